#!/usr/bin/env bash
# Front-end packages from npm, copied into static/vendor/ and committed: the site never loads
# them from a CDN, and a fresh clone needs no npm. Run it after changing a version here.
set -euo pipefail
cd "$(dirname "$0")/.."

ALTCHA_VERSION=3.2.2  # the proof-of-work widget of the guest form (CHAT_GUEST_PROOF_OF_WORK)

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
