#!/usr/bin/env bash
# kernels/make-device-carry.sh — stage, on this machine, what kernels/device-check.sh needs on a GPU
# machine that has CUDA, nvcc and PyTorch but no Java: a jlink'd runtime (java.base, which Panama needs,
# and java.logging, which the loaders log with), the appliance, native and kernels jars (the Java
# references the check compares against are the appliance's own classes), native's test jar (the
# Panama CUDA runtime binding, CudaRuntime/CudaMemory/DeviceBuffer..., kept out of the product), and
# the check's classes (appliance test classes io/cordwatch/gpu). Everything lands in kernels/target/device-carry, which the
# device tool carries (carry: ["kernels/target/device-carry"]); the size must stay under 64 MiB.
#
#   kernels/make-device-carry.sh          build (mvn package, tests skipped; never install) and stage
#   kernels/make-device-carry.sh --no-build   stage from what is already built
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
out="$root/kernels/target/device-carry"
limit=$((60 * 1024 * 1024))

find_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/jlink" ] || continue
    "$c/bin/java" -XshowSettings:properties -version 2>&1 | grep -q 'java.specification.version = 2[5-9]' && { echo "$c"; return 0; }
  done
  return 1
}
JAVA_HOME=$(find_jdk) || { echo "make-device-carry: no JDK 25+ with jlink found" >&2; exit 1; }
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if [ "${1:-}" != "--no-build" ]; then
  (cd "$root" && nice -n 10 mvn -B -q -Dstyle.color=never -pl kernels,native,appliance -am package -DskipTests)
fi

rm -rf "$out"
mkdir -p "$out/lib"
jlink --add-modules java.base,java.logging --strip-debug --no-man-pages --no-header-files \
  --compress=zip-9 --output "$out/jre"
cp "$root/appliance/target/cordwatch.jar" "$out/lib/"
# cordwatch-native-*.jar is the main jar and the -tests jar (the CUDA runtime binding): both needed.
ls "$root"/native/target/cordwatch-native-*-tests.jar >/dev/null \
  || { echo "make-device-carry: no native test jar (the CUDA runtime binding); build without -Dmaven.test.skip" >&2; exit 1; }
cp "$root"/native/target/cordwatch-native-*.jar "$root"/kernels/target/cordwatch-kernels-*.jar "$out/lib/"
jar --create --file "$out/lib/device-check.jar" -C "$root/appliance/target/test-classes" io/cordwatch/gpu
cat > "$out/README" <<TXT
Staged by kernels/make-device-carry.sh on $(date -u +%Y-%m-%dT%H:%MZ) from commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (with uncommitted changes)').
Runtime: $("$out/jre/bin/java" -version 2>&1 | head -n1), modules $("$out/jre/bin/java" --list-modules | tr '\n' ' ')
Run on the device machine from the repository root: kernels/device-check.sh
TXT
size=$(du -sb "$out" | cut -f1)
if [ "$size" -gt "$limit" ]; then
  echo "make-device-carry: $out is $size bytes, over the $limit-byte budget" >&2
  exit 1
fi
echo "make-device-carry: staged $out ($((size / 1024 / 1024)) MiB: jre $(du -sh "$out/jre" | cut -f1), lib $(du -sh "$out/lib" | cut -f1))"
