"""Where a run's tensors live: the device a name means, checked; its name; its float32 facts.

``TrainConfig.device`` (and the estimators' ``device=``, ``playground --device``) is one
of ``"cpu"``, ``"cuda"``, ``"cuda:N"`` (the N-th GPU) or ``"auto"`` (cuda if
``torch.cuda.is_available()``, else cpu). :func:`resolve_device` turns it into a
``torch.device`` or an ``InputError`` naming ``device`` in one line: a CUDA device on a
machine without one says which torch this is (a CPU-only build, or a CUDA build that
sees no GPU); an index past the GPUs says how many there are. ``"cuda"`` and ``"auto"``
resolve to an indexed device (``cuda:0``), the one tensors made on ``"cuda"`` land on, so
that ``tensor.device == resolve_device("cuda")`` holds.

float32 on a GPU. The closed form and PyTorch's twin run on the same device, so what
they are compared within is the CPU's tolerance (core/agreement.py: 1e-5 for float32,
relative to the size of the terms summed) provided both compute in IEEE float32:

- **TF32 off.** On an Ampere-or-later GPU (an H200 is one) cuBLAS can round a float32
  matmul's inputs to TensorFloat32, 10 explicit mantissa bits: a relative error about
  2⁻¹¹ ≈ 5e-4 a product, fifty times the tolerance. PyTorch leaves it off for matmuls
  (``torch.backends.cuda.matmul.allow_tf32`` is False, ``torch.get_float32_matmul_precision()``
  is ``"highest"``, by default) but a program may turn it on (``"high"``,
  ``"medium"``); :func:`ieee_float32` puts ``"highest"`` back for a run and restores the
  program's setting after, :func:`check_ieee_float32` says whether it holds. (cuDNN's
  own ``allow_tf32`` is for convolutions, which a single layer has none of.)
- **The reductions.** cuBLAS sums a product's terms in blocks (and split-K), and CUDA's
  ``sum`` as a tree: another order than the CPU's BLAS, not a less accurate one (a
  blocked or pairwise sum errs far less than a sequential one, whose bound is n·2⁻²⁴ of
  the sum of |terms|), and the agreement measure divides by that sum of |terms|. So no
  looser float32 tolerance for a GPU: :data:`FLOAT32_FACTOR` is 1 for both, and
  ``benchmarks/bench_device.py`` prints the disagreement measured on the GPU, in
  tolerances, to check it.
- **Order between runs.** A cuBLAS matmul is deterministic for one GPU model and one
  library version; a GPU run is not bit-identical to a CPU run (another summation order)
  — agreement between them is within the tolerance, not bit for bit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import torch

from ..core.agreement import tolerance
from ..errors import InputError

CUDA = re.compile(r"cuda(?::(\d+))?\Z")
# the float32 tolerance on each kind of device, in the CPU's tolerances (module docstring)
FLOAT32_FACTOR: dict[str, float] = {"cpu": 1.0, "cuda": 1.0}
IEEE = "highest"  # torch's float32 matmul precision that keeps float32 products float32


def resolve_device(name: str | torch.device) -> torch.device:
    """The device ``name`` means here, checked: cpu, cuda, cuda:N or auto.

    >>> resolve_device("cpu")
    device(type='cpu')
    >>> str(resolve_device("auto")) in ("cpu", "cuda:0")
    True
    """
    text = name if isinstance(name, str) else str(name)
    if text == "cpu":
        return torch.device("cpu")
    if text == "auto":
        return _cuda(None, "cuda") if torch.cuda.is_available() else torch.device("cpu")
    match = CUDA.match(text)
    if match is None:
        raise InputError(
            "device",
            "cpu, cuda, cuda:N (the N-th GPU) or auto (cuda if there is one, else cpu)",
            repr(text),
        )
    return _cuda(None if match[1] is None else int(match[1]), text)


def _cuda(index: int | None, text: str) -> torch.device:
    """cuda:``index`` (None: the current GPU), if this machine has it."""
    if not torch.cuda.is_available():
        version, built = torch.__version__, torch.version.cuda
        raise InputError(
            "device",
            "cpu, auto, or cuda on a machine with a CUDA GPU",
            f"{text}, but torch.cuda.is_available() is False (this torch is {version}: "
            "a CPU-only build)"
            if built is None
            else f"{text}, but torch.cuda.is_available() is False (this torch is {version}, "
            f"built for CUDA {built}: no GPU is visible)",
        )
    count = torch.cuda.device_count()
    if index is None:
        index = _current()
    if index >= count:
        raise InputError(
            "device",
            f"cuda:N with N from 0 to {count - 1} (this machine's CUDA GPUs: {count})",
            repr(text),
        )
    return torch.device("cuda", index)


def _current() -> int:
    """The current GPU's index, asked of torch only once CUDA is up (asking starts it)."""
    started: bool = torch.cuda.is_initialized()  # type: ignore[no-untyped-call]
    return torch.cuda.current_device() if started else 0


def device_name(device: torch.device | str) -> str:
    """The device as a run records it: "cpu", "cuda:0 (NVIDIA H200)"."""
    device = resolve_device(device) if isinstance(device, str) else device
    if device.type != "cuda":
        return str(device)
    given: int | None = device.index  # None: torch.device("cuda") itself
    index = _current() if given is None else given
    return f"cuda:{index} ({torch.cuda.get_device_name(index)})"


def float32_tolerance(device: torch.device | str) -> float:
    """The float32 agreement tolerance on ``device``: the CPU's times FLOAT32_FACTOR."""
    kind = device.type if isinstance(device, torch.device) else resolve_device(device).type
    return tolerance(torch.float32) * FLOAT32_FACTOR.get(kind, 1.0)


def float32_tolerance_note(device: torch.device | str) -> str:
    """One line on how float32 computes on ``device`` and the tolerance it is held to."""
    device = resolve_device(device) if isinstance(device, str) else device
    tol = float32_tolerance(device)
    if device.type != "cuda":
        return f"float32 on {device_name(device)}: IEEE float32, agreement within {tol:.0e}"
    precision = "TF32 off" if check_ieee_float32() else "TF32 ON: float32 products are rounded"
    return (
        f"float32 on {device_name(device)}: cuBLAS matmuls ({precision}; float32 matmul "
        f"precision {torch.get_float32_matmul_precision()!r}), agreement within {tol:.0e}"
    )


def check_ieee_float32() -> bool:
    """Whether float32 matmuls compute in float32 (precision "highest", TF32 off)."""
    return torch.get_float32_matmul_precision() == IEEE and not (
        torch.backends.cuda.matmul.allow_tf32
    )


@contextmanager
def ieee_float32() -> Iterator[None]:
    """float32 matmuls in IEEE float32 inside the block (no TF32); the program's setting after.

    torch's setting is global (every thread's): a run sets it for its steps, so that a
    program's ``torch.set_float32_matmul_precision("high")`` does not round the products
    the closed form and the twin are compared on.
    """
    before = torch.get_float32_matmul_precision()
    tf32 = torch.backends.cuda.matmul.allow_tf32
    torch.set_float32_matmul_precision(IEEE)  # also turns cuBLAS's allow_tf32 off
    try:
        yield
    finally:
        torch.set_float32_matmul_precision(before)
        if tf32 != torch.backends.cuda.matmul.allow_tf32:
            torch.backends.cuda.matmul.allow_tf32 = tf32
