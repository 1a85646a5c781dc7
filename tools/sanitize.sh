#!/usr/bin/env bash
# Builds the host unit tests (config, plugin loading, request path, reload, server over a real
# channel) under ThreadSanitizer in build-tsan and runs them. Called by .ci/run.
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
cmake --build "$BUILD_DIR" -j"$(nproc)" --target cdsd_host_tests
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tools/tsan.supp}
# GTEST_FILTER narrows the run (CI runs the request-path concurrency units, which touch no gRPC).
"$BUILD_DIR/tests/host/cdsd_host_tests" ${GTEST_FILTER:+--gtest_filter="$GTEST_FILTER"}
echo "sanitize: ThreadSanitizer host tests OK"
