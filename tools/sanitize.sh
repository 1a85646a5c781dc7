#!/usr/bin/env bash
# Builds host unit tests under ThreadSanitizer in build-tsan and runs them. Called by .ci/run.
#   TSAN_TARGETS  test binaries to build and run (default: cdsd_concurrency_tests cdsd_host_tests,
#                 i.e. the concurrency units and the server tests over a real channel; CI runs
#                 cdsd_concurrency_tests, as the server tests still report races inside Debian's
#                 uninstrumented absl/gRPC)
#   GTEST_FILTER  narrows what runs in each
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-tsan}

bash tools/install-deps.sh
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
flags="-fsanitize=thread -fno-omit-frame-pointer"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDS_BUILD_BENCHMARKS=OFF \
  -DCDS_PLUGIN_SANITIZED=ON "${launcher[@]}" -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
  -DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread
TSAN_TARGETS=${TSAN_TARGETS:-cdsd_concurrency_tests cdsd_host_tests}
# shellcheck disable=SC2086
cmake --build "$BUILD_DIR" -j"$(nproc)" --target $TSAN_TARGETS
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tools/tsan.supp}
for target in $TSAN_TARGETS; do
  "$BUILD_DIR/tests/host/$target" ${GTEST_FILTER:+--gtest_filter="$GTEST_FILTER"}
done
echo "sanitize: ThreadSanitizer host tests OK"
