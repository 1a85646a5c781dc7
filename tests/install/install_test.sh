#!/usr/bin/env bash
# Installs the cdsd component into a DESTDIR and checks what an operator gets: every installed
# path, the production config accepted by the installed cdsd (--check-config, plugins loaded from
# the versioned folder), the unit accepted by systemd-analyze verify and rated at most 2.0 by
# systemd-analyze security, and the .deb holding the same files.
# Usage: install_test.sh <build dir> <project version>
set -euo pipefail
build=$1
version=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

DESTDIR=$dest cmake --install "$build" --component cdsd >/dev/null

libdir=$(cd "$dest/usr" && ls -d lib/*/cdsd 2>/dev/null | head -1 || true)
[ -n "$libdir" ] || libdir=lib/cdsd
plugins=/usr/$libdir/plugins/$version
for path in /usr/bin/cdsd /usr/bin/cdsd-plugin-runner /usr/bin/cdsctl /usr/bin/cds-plugin-check \
            $plugins/libketamine_eligibility.so $plugins/libketamine_dosing_schedule.so \
            $plugins/libketamine_side_effect_triage.so \
            /etc/cdsd/cdsd.yaml /usr/lib/systemd/system/cdsd.service \
            /usr/lib/sysusers.d/cdsd.conf /usr/lib/tmpfiles.d/cdsd.conf \
            /usr/share/doc/cdsd/operations.md /usr/share/doc/cdsd/README.md; do
  [ -e "$dest$path" ] || fail "$path is not installed"
done
echo "install_test: every path installed (plugins in $plugins)"

# The production config: absolute paths only, and nothing under the read-only /etc or /usr
# that cdsd would need to write.
config=$dest/etc/cdsd/cdsd.yaml
grep -E '^\s*(path|admin_socket):' "$config" | grep -vE ':\s*/' && fail "a relative path in the production config"
grep -qE 'path: /var/lib/cdsd/' "$config" || fail "the audit trail is not under /var/lib/cdsd"
grep -qE 'admin_socket: /run/cdsd/' "$config" || fail "the admin socket is not under /run/cdsd"
# Check it with the installed binary, its plugin paths pointed into the DESTDIR.
sed "s#path: $plugins#path: $dest$plugins#" "$config" > "$dest/check.yaml"
"$dest/usr/bin/cdsd" --check-config "$dest/check.yaml" || fail "the installed cdsd refuses the production config"

# The unit: verify it with its binary paths pointed into the DESTDIR (verify checks they exist).
unit=$dest/usr/lib/systemd/system/cdsd.service
sed "s#/usr/bin/cdsd#$dest/usr/bin/cdsd#g" "$unit" > "$dest/cdsd.service"
verify=$(systemd-analyze verify "$dest/cdsd.service" 2>&1 || true)
if echo "$verify" | grep -v 'network-online.target\|multi-user.target' | grep -q .; then
  fail "systemd-analyze verify: $verify"
fi
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null |
           sed -n 's/.*Overall exposure level for cdsd.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze security gave no rating"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "unit exposure $exposure is above 2.0"
grep -q '^LimitNOFILE=' "$unit" || fail "the unit sets no LimitNOFILE"
echo "install_test: unit verified, exposure $exposure"

# The .deb: built from the same install rules, holding the same files and the postinst.
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
  (cd "$build" && cpack -G DEB -B "$dest/deb" >/dev/null) || fail "cpack could not build the .deb"
  deb=$(ls "$dest"/deb/cdsd_*.deb)
  contents=$(dpkg-deb -c "$deb")
  for path in ./usr/bin/cdsd ./etc/cdsd/cdsd.yaml ./usr/lib/systemd/system/cdsd.service \
              ".$plugins/libketamine_eligibility.so"; do
    grep -qF " $path" <<<"$contents" || fail "$path is not in the .deb"
  done
  # Captured first: with pipefail, grep -q closing the pipe early would fail dpkg-deb (SIGPIPE).
  info=$(dpkg-deb -I "$deb")
  grep -q postinst <<<"$info" || fail "the .deb has no postinst"
  echo "install_test: $(basename "$deb"): $(echo "$contents" | wc -l) entries"
fi
echo "install_test: OK"
