#!/usr/bin/env bash
# check-fatbin.sh LIB "ARCHS" PTX NVCC : the CUDA library's fat binary holds SASS (ELF) for every
# architecture in ARCHS and PTX for compute_PTX, so it runs on Ampere, Orin, Ada and Hopper and can be
# JIT-compiled on newer GPUs.
set -euo pipefail
lib=$1 archs=$2 ptx=$3 nvcc=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objcopy -O binary --only-section=.nv_fatbin "$lib" "$tmp/fatbin"
python3 "$(dirname "$0")/fatbin-entries.py" "$tmp/fatbin" | sort -u > "$tmp/entries"
missing=()
for a in $archs; do grep -qx "elf sm_$a" "$tmp/entries" || missing+=("sm_$a"); done
grep -qx "ptx compute_$ptx" "$tmp/entries" || missing+=("PTX compute_$ptx")
if [ ${#missing[@]} -gt 0 ]; then
  echo "kernels: $lib lacks ${missing[*]}; it holds: $(tr '\n' ' ' < "$tmp/entries")" >&2
  exit 1
fi
echo "kernels: $(basename "$lib") ($("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/nvcc \1/p')) holds $(tr '\n' ' ' < "$tmp/entries")"
