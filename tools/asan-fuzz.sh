#!/usr/bin/env bash
# Builds everything with clang under AddressSanitizer + UndefinedBehaviorSanitizer (plus the
# libFuzzer targets of tests/fuzz), runs the whole test suite in that build, then runs each fuzzer
# for a bounded time from its corpus. One build serves both. Called by .ci/run.
#   FUZZ_SECONDS  seconds per fuzz target (default 60)
#   BUILD_DIR     build folder (default build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-asan}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

bash tools/install-deps.sh
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# -O1 (and the -g1 line tables the top CMakeLists makes of -g) build faster than -O2 -g and are
# what the sanitizers recommend for readable reports.
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCDS_FUZZ=ON -DCDS_PLUGIN_SANITIZED=ON -DCDS_BUILD_BENCHMARKS=OFF "${launcher[@]}" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined"
cmake --build "$BUILD_DIR" -j"$(nproc)"

# halt_on_error: the first report fails the test that caused it. Leak checking stays on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The install test checks packaging, and the PostgreSQL and multi-replica tests drive external
# servers (uninstrumented libpq, nginx): they run in the plain build (tools/test.sh).
# handle_segv=0 for the suite only: the isolation tests run plugins that segfault on purpose in
# cdsd-plugin-runner and check that the host reports SIGSEGV; with ASan's handler the runner
# would print a report and abort (SIGABRT) instead. The fuzzers below keep ASan's handler.
ASAN_OPTIONS="$ASAN_OPTIONS:handle_segv=0" \
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" --timeout 900 -E "^install\.|^replicas\.|^audit\.postgresql"

for target in fuzz_evaluate_request fuzz_evaluate_json fuzz_config fuzz_plugin_evaluate fuzz_fhir_mapper fuzz_runner_frame fuzz_cds_hooks_json; do
  corpus=$(mktemp -d)
  cp -r tests/fuzz/corpus/$target/. "$corpus"/
  echo "fuzz: $target for ${FUZZ_SECONDS}s"
  "$BUILD_DIR/tests/fuzz/$target" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus" 2>"$BUILD_DIR/$target.log" || { tail -60 "$BUILD_DIR/$target.log"; exit 1; }
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$BUILD_DIR/$target.log" | sed "s/^/fuzz: $target /"
  rm -rf "$corpus"
done
echo "asan-fuzz: OK"
