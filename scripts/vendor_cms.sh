#!/usr/bin/env bash
# Refresh the form editor vendored in admin/ from npm, at the pinned version, and check it against the recorded
# SHA-256 (admin/decap-cms.sha256). Usage:
#   scripts/vendor_cms.sh            re-download the pinned version; fail if it differs from the recorded hash
#   scripts/vendor_cms.sh 3.17.0     move to another version: download it and record its hash (review the diff,
#                                    then run the end-to-end test: pytest tests/test_cms_editor_browser.py)
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=decap-cms
RECORD=admin/decap-cms.sha256
pinned=$(awk '{print $2}' "$RECORD" 2>/dev/null || true)
version=${1:-${pinned#"$PACKAGE"@}}
[ -n "$version" ] || { echo "vendor_cms.sh: say the version, e.g. scripts/vendor_cms.sh 3.16.3" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# npm checks the tarball against the registry's integrity hash while downloading it.
npm pack --silent --pack-destination "$work" "$PACKAGE@$version" >/dev/null
tar -xzf "$work"/*.tgz -C "$work" package/dist/decap-cms.js package/dist/decap-cms.js.LICENSE.txt
digest=$(sha256sum "$work/package/dist/decap-cms.js" | awk '{print $1}')
if [ -z "${1:-}" ] && [ "$(awk '{print $1}' "$RECORD")" != "$digest" ]; then
    echo "vendor_cms.sh: $PACKAGE@$version from npm has SHA-256 $digest, not the one in $RECORD; nothing changed" >&2
    exit 1
fi
cp "$work/package/dist/decap-cms.js" admin/decap-cms.js
cp "$work/package/dist/decap-cms.js.LICENSE.txt" admin/decap-cms.js.LICENSE.txt
echo "$digest $PACKAGE@$version" > "$RECORD"
echo "admin/decap-cms.js: $PACKAGE@$version, SHA-256 $digest"
