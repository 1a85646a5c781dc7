#!/usr/bin/env bash
# Guards the .proto contracts (public API cds.v1, admin API, plugin payloads) with buf:
#   buf lint      the STANDARD style rules, with the exceptions buf.yaml explains;
#   buf breaking  no wire- or source-incompatible change against the main branch.
# Uses `buf` from PATH, or installs the npm package @bufbuild/buf into $CDS_BUF_DIR (default
# build/buf). Exits 77 (ctest's "skipped") only when neither buf nor npm is available.
set -euo pipefail

BUF_VERSION=1.75.0
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if command -v buf >/dev/null 2>&1; then
  buf=$(command -v buf)
else
  install_dir=${CDS_BUF_DIR:-$repo/build/buf}
  buf=$install_dir/node_modules/.bin/buf
  if [ ! -x "$buf" ] || [ "$("$buf" --version 2>/dev/null)" != "$BUF_VERSION" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "check-protos: SKIPPED: neither buf nor npm is installed (apt-get install npm)"
      exit 77
    fi
    echo "check-protos: installing @bufbuild/buf@$BUF_VERSION into $install_dir"
    npm install --prefix "$install_dir" --no-audit --no-fund --loglevel=error \
      "@bufbuild/buf@$BUF_VERSION"
  fi
fi
echo "check-protos: $("$buf" --version) at $buf"

echo "check-protos: buf lint"
"$buf" lint

# Compare with main when this clone has it; a fresh shallow clone of another branch may not, and
# then the committed HEAD is the best baseline there is (it still catches uncommitted breaks).
# The subdir makes the baseline's files line up with the module root (protos/) even in commits
# that predate buf.yaml.
if git rev-parse --verify --quiet refs/heads/main >/dev/null; then
  against='.git#branch=main,subdir=protos'
else
  echo "check-protos: no local main branch to compare with: comparing with HEAD instead"
  against='.git#ref=HEAD,subdir=protos'
fi
echo "check-protos: buf breaking --against '$against'"
"$buf" breaking --against "$against"
echo "check-protos: OK"
