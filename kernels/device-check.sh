#!/usr/bin/env bash
# kernels/device-check.sh — check CordWatch's CUDA kernels against the Java references and time them,
# on a GPU machine that has CUDA, nvcc and PyTorch but no Java and no network.
#
# STATUS: NOT RUN ON A GPU. Written in a session whose task was lent no device machine; only the
# dry run (--host: host build, carried runtime, no GPU) has run. Every CUDA result and every timing
# this script prints is unverified until it runs on a lent GPU.
#
# Prepare on the build machine:  kernels/make-device-carry.sh   (stages kernels/target/device-carry)
# Run on the GPU machine, from the repository root, with kernels/target/device-carry carried:
#   kernels/device-check.sh           1. the GPU, driver and nvcc; whether TensorRT exists there
#                                     2. builds libcordwatch_kernels_cuda.so with that nvcc for that
#                                        GPU's architecture (make CUDA=required CUDA_ARCHS=<cc>)
#                                     3. the PyTorch peer (scripts/peer_head.py)
#                                     4. KernelDeviceCheck on the carried runtime: every kernel vs the
#                                        appliance's Preprocessing / PrototypeHead / windowOfStored on
#                                        fresh random inputs (outputs poisoned first), timed with CUDA
#                                        events, and the table: op, shape, check, time, GB/s, % of a
#                                        device-to-device copy, targets, PyTorch ratio
#   kernels/device-check.sh --host    the dry run: step 4 on the host build, without a GPU
# Output goes to stdout and to $OUT/device-check.txt when $OUT is set (else kernels/target/).
# Exit status: that of KernelDeviceCheck (0 all checks agreed, 1 a kernel disagreed, 2 set-up error).
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
carry="$root/kernels/target/device-carry"
report_dir="${OUT:-$root/kernels/target}"
mkdir -p "$report_dir"
report="$report_dir/device-check.txt"
exec > >(tee "$report") 2>&1

say() { printf 'device-check: %s\n' "$*"; }
die() { say "$*"; exit 2; }

[ -x "$carry/jre/bin/java" ] || die "no carried runtime at $carry (run kernels/make-device-carry.sh and carry kernels/target/device-carry)"
java=("$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$carry/lib/*")
say "carried: $(head -n1 "$carry/README")"

if [ "${1:-}" = "--host" ]; then
  say "dry run: host build, no GPU; timings are host wall clock and not a benchmark"
  exec "${java[@]}" io.cordwatch.gpu.KernelDeviceCheck --host --reps "${REPS:-8}" --warmup 1
fi

# 1. The machine.
if command -v nvidia-smi >/dev/null; then
  say "GPU: $(nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv,noheader | head -n1)"
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n1 | tr -d '. ')
else
  say "GPU: nvidia-smi not found"
  cap=""
fi
nvcc=$(command -v nvcc || true)
[ -n "$nvcc" ] || { [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc; }
[ -n "$nvcc" ] || die "no nvcc on PATH or in /usr/local/cuda/bin: cannot build the CUDA library"
say "nvcc: $nvcc ($("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p'))"

# TensorRT: checked, never assumed. Any one of the three means present.
trt=()
v=$(python3 -c 'import tensorrt; print(tensorrt.__version__)' 2>/dev/null) && trt+=("python module tensorrt $v")
l=$(ldconfig -p 2>/dev/null | grep -o 'libnvinfer\.so[.0-9]*' | sort -u | tr '\n' ' ') && [ -n "$l" ] && trt+=("libraries: $l")
command -v trtexec >/dev/null && trt+=("trtexec at $(command -v trtexec)")
if [ ${#trt[@]} -gt 0 ]; then
  say "TensorRT: present (${trt[*]})"
else
  say "TensorRT: absent (no python module tensorrt, no libnvinfer in ldconfig, no trtexec)"
fi

# 2. Build the CUDA library for this GPU with this nvcc.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
archs=${cap:-"80 86 87 89 90"}
ptx=${cap:-90}
say "building the CUDA library for sm_$archs (+ PTX compute_$ptx)"
make -C "$root/kernels" --no-print-directory BUILD="$work/build" RESOURCES="$work/res" CUDA=required \
  NVCC="$nvcc" CUDA_ARCHS="$archs" CUDA_PTX="$ptx" NVCC_WERROR= cuda || die "nvcc build failed"
lib="$work/res/io/cordwatch/kernels/linux-$(uname -m)/libcordwatch_kernels_cuda.so"
[ -f "$lib" ] || die "the build made no $lib"

# The CUDA runtime the Java side binds (memory, streams, events): the toolkit's own. nvcc may be a
# wrapper script elsewhere, so ask it where its toolkit is (TOP in its dry run).
cuda_home=$("$nvcc" --dryrun -c -x cu /dev/null -o /dev/null 2>&1 | sed -n 's/^#\$ TOP=//p' | head -n1)
cuda_home=$(cd "${cuda_home:-$(dirname "$nvcc")/..}" && pwd)
cudart=""
for c in "$cuda_home/lib64/libcudart.so" "$cuda_home/targets/$(uname -m)-linux/lib/libcudart.so" \
  $(ldconfig -p 2>/dev/null | sed -n 's/.*libcudart\.so[.0-9]* => //p'); do
  [ -f "$c" ] && { cudart=$c; break; }
done
[ -n "$cudart" ] || die "no libcudart.so next to $nvcc or in ldconfig"
say "cudart: $cudart"

# 3. The PyTorch peer.
peer_args=()
if peer=$(timeout 300 python3 "$root/kernels/scripts/peer_head.py" 2>&1 | tail -n1) && [[ "$peer" == peer_head_us=* ]]; then
  us=${peer#peer_head_us=}; us=${us%% *}
  note=${peer#* note=}
  say "PyTorch peer: $us us ($note)"
  peer_args=(--peer-head-us "$us" --peer-note "$note")
else
  say "PyTorch peer not measured: $peer"
fi

# 4. The checks and the table.
"${java[@]}" -Dcordwatch.kernels.cuda.path="$lib" -Dcordwatch.cudart.path="$cudart" \
  io.cordwatch.gpu.KernelDeviceCheck "${peer_args[@]}" "$@"
status=$?
say "report: $report (exit $status)"
exit $status
