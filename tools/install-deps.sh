#!/usr/bin/env bash
# Installs every Debian package cdsd needs to build, run and test (Debian bookworm).
# Idempotent: safe to run on a machine that already has them.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost-dev libyaml-cpp-dev libcli11-dev libspdlog-dev nlohmann-json3-dev libcurl4-openssl-dev
  prometheus-cpp-dev libsqlite3-dev libssl-dev libsystemd-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  python3-grpcio
  libpqxx-dev
  # The multi-replica test: a PostgreSQL server and nginx (grpc_pass), both started by the test
  # itself on loopback.
  postgresql nginx-light
)

missing=()
# npm fetches buf for the proto lint/breaking test; any npm will do (Debian's, or one already on PATH).
command -v npm >/dev/null 2>&1 || packages+=(npm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
