#!/usr/bin/env bash
# Installs what cdsd needs, builds it, and starts it with the built-in plugins on the default
# config (127.0.0.1:50051). Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

bash tools/install-deps.sh
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCDS_BUILD_TESTS=OFF -DCDS_BUILD_BENCHMARKS=OFF
cmake --build "$BUILD_DIR" -j"$(nproc)" --target cdsd cdsctl ketamine_eligibility ketamine_dosing_schedule ketamine_side_effect_triage
echo "cdsd: try '$BUILD_DIR/tools/cdsctl/cdsctl services' or '$BUILD_DIR/tools/cdsctl/cdsctl evaluate --input examples/eligibility/eligible.json'"
exec "$BUILD_DIR/host/cdsd" --config "$BUILD_DIR/cdsd.yaml"
