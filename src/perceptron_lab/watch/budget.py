"""Which steps the watch verifies in full: a share of the loop's own time pays for them.

Verifying a step — the closed form, PyTorch's twin, finite differences in float64 — costs
far more than the step itself for a small model, so a watch that verified every step
would be 10–90× the loop. Instead every step is recorded, and a step is verified in full
while the time spent verifying stays within

    spent ≤ max(allowance, share × loop)

where ``loop`` is the time the loop itself ran (outside the watch's hooks' checking) and
``allowance`` the seconds that may always be spent: a small loop — a notebook's few
epochs — is verified whole, a long one at ``share`` of its time. ``share=None`` verifies
every step. The first step is always verified; so is any step whose capture shows a
sign of a mistake (the checker's ``suspect``), so that a mistake that starts late is
still named when it starts.
"""

from __future__ import annotations

import time

SHARE = 0.25  # of the loop's own time, spent verifying
ALLOWANCE = 2.0  # seconds of verification any loop may have (a small loop: all its steps)


class Budget:
    """Time spent verifying against time the loop ran; ``wants`` says whether to verify."""

    def __init__(self, share: float | None = SHARE, allowance: float = ALLOWANCE) -> None:
        self.share = share
        self.allowance = allowance
        self.loop = 0.0  # seconds the loop ran between the watch's checks
        self.spent = 0.0  # seconds the checks took
        self.skipped = 0  # steps recorded but not verified
        self._since: float | None = None  # when the last check ended

    def begin(self) -> float:
        """A step reached the watch: count the loop's time since the last one; now."""
        now = time.perf_counter()
        if self._since is not None:
            self.loop += now - self._since
        return now

    def end(self, began: float) -> None:
        """The watch is done with the step that ``begin`` returned ``began`` for."""
        self._since = time.perf_counter()
        self.spent += self._since - began

    def wants(self, first: bool, suspect: bool) -> bool:
        """Verify this step in full? Always the first and any suspect one."""
        if self.share is None or first or suspect:
            return True
        if self.spent <= max(self.allowance, self.share * self.loop):
            return True
        self.skipped += 1
        return False
