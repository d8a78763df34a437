#!/usr/bin/env bash
# check-exports.sh LIB SYMBOL... : LIB exports exactly the ABI's functions (cordwatch_kernels.h).
set -euo pipefail
lib=$1; shift
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort)
expected=$(printf '%s\n' "$@" | sort)
if [ "$exported" != "$expected" ]; then
  echo "kernels: $lib exports differ from the ABI:" >&2
  diff <(echo "$expected") <(echo "$exported") >&2 || true
  exit 1
fi
echo "kernels: $(basename "$lib") exports the $# ABI functions and nothing else"
