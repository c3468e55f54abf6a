"""The process's own memory, as Linux reports it in /proc/self/status (for the benchmarks)."""

from __future__ import annotations

from pathlib import Path


def status_kb(field: str) -> int:
    """A ``kB`` line of /proc/self/status (VmRSS, VmHWM), or -1 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def reset_peak() -> bool:
    """Reset this process's peak-RSS mark (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False
