#!/usr/bin/env bash
# The device checks, in one short run on a machine with a CUDA GPU (from the repository root):
#
#     benchmarks/gpu_check.sh    # about 2 minutes; each part has a time limit, 9.5 minutes in all
#
# 1. the GPUs (nvidia-smi -L) and torch's CUDA: version, build, devices, TF32 settings;
# 2. tests/test_device.py, whose GPU tests run only where torch sees a GPU (-rs: a skip says why);
# 3. every other test marked gpu (pytest -m gpu; none found is not a failure);
# 4. benchmarks/bench_device.py: copies, X·W, a step on cpu vs cuda, and the agreement measured.
#
# Exits non-zero if any part fails (each part still runs, so one run shows every failure).
# PYTHON picks the interpreter (default: python); src/ goes first on PYTHONPATH.
set -u
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
export PYTHONPATH="src${PYTHONPATH:+:$PYTHONPATH}"
failed=()

part() {  # part NAME SECONDS COMMAND...: run it under a time limit, note a failure
    local name=$1 limit=$2
    shift 2
    echo
    echo "== $name (limit ${limit} s; load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?))"
    local began=$SECONDS
    timeout --kill-after=10 "$limit" "$@"
    local rc=$?
    echo "-- $name: exit $rc after $((SECONDS - began)) s"
    if [ "$rc" -ne 0 ]; then
        failed+=("$name (exit $rc)")
    fi
}

echo "== the GPUs"
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi -L || failed+=("nvidia-smi -L")
else
    echo "nvidia-smi: not found"
fi

part "torch's CUDA" 60 "$PYTHON" - <<'EOF'
import torch

print(f"torch {torch.__version__}, built for CUDA {torch.version.cuda}")
print(f"torch.cuda.is_available() {torch.cuda.is_available()}, devices {torch.cuda.device_count()}")
for i in range(torch.cuda.device_count()):
    p = torch.cuda.get_device_properties(i)
    print(f"  cuda:{i} {p.name}, {p.total_memory / 2**30:.0f} GiB, compute {p.major}.{p.minor}")
print(f"cuDNN {torch.backends.cudnn.version()}")
print(
    f"float32 matmul precision {torch.get_float32_matmul_precision()!r}, "
    f"cuBLAS allow_tf32 {torch.backends.cuda.matmul.allow_tf32}, "
    f"cuDNN allow_tf32 {torch.backends.cudnn.allow_tf32}"
)
from perceptron_lab.engine.device import device_name, float32_tolerance_note, resolve_device

device = resolve_device("auto")
print(f"auto -> {device_name(device)}; {float32_tolerance_note(device)}")
EOF

part "tests/test_device.py" 240 "$PYTHON" -m pytest tests/test_device.py -q -rs -p no:cacheprovider

# pytest exits 5 when no test is selected: no other gpu test yet is not a failure
part "pytest -m gpu (the other tests)" 150 bash -c \
    '"$0" -m pytest tests -m gpu -q -rs -p no:cacheprovider --ignore=tests/test_device.py; rc=$?; [ "$rc" -eq 5 ] && exit 0; exit "$rc"' \
    "$PYTHON"

part "benchmarks/bench_device.py" 120 "$PYTHON" benchmarks/bench_device.py

echo
if [ "${#failed[@]}" -ne 0 ]; then
    echo "gpu_check: FAILED: ${failed[*]}"
    exit 1
fi
echo "gpu_check: every part passed"
