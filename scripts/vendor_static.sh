#!/usr/bin/env bash
# Front-end packages from npm, copied into static/vendor/ and committed: the site never loads
# them from a CDN, and a fresh clone needs no npm. Run it after changing a version here.
set -euo pipefail
cd "$(dirname "$0")/.."

ALTCHA_VERSION=3.2.2  # the proof-of-work widget of the guest form (CHAT_GUEST_PROOF_OF_WORK)
AXE_VERSION=4.14.1  # accessibility checks of the browser tests (tests/browser/accessibility.py)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "altcha@$ALTCHA_VERSION" >/dev/null && tar xzf "altcha-$ALTCHA_VERSION.tgz")
package="$work/package"
dest=static/vendor/altcha
rm -rf "$dest"
mkdir -p "$dest"
# The "external" build: no inline styles and no workers made from blobs, so it runs under
# the site's Content-Security-Policy; its stylesheet and worker are files of their own.
cp "$package/dist/external/altcha.min.js" "$dest/altcha.js"
cp "$package/dist/external/altcha.css" "$dest/altcha.css"
cp "$package/dist/workers/pbkdf2.js" "$dest/pbkdf2-worker.js"
cp "$package/dist/i18n/zh-cn.js" "$dest/i18n-zh-cn.js"
cp "$package/LICENSE.txt" "$dest/LICENSE.txt"
echo "altcha $ALTCHA_VERSION (npm), by scripts/vendor_static.sh" > "$dest/VERSION"
echo "vendored altcha $ALTCHA_VERSION into $dest"

# axe-core is a tool of the tests, not of the site: it goes beside them, not into static/.
(cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && mkdir axe && tar xzf "axe-core-$AXE_VERSION.tgz" -C axe)
dest=tests/browser/vendor/axe-core
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/axe/package/axe.min.js" "$dest/axe.min.js"
cp "$work/axe/package/LICENSE" "$dest/LICENSE"
echo "axe-core $AXE_VERSION (npm), by scripts/vendor_static.sh" > "$dest/VERSION"
echo "vendored axe-core $AXE_VERSION into $dest"
