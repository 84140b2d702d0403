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

# The emoji picker of the composer and of reactions (static/chat/emoji_picker.js), and its data:
# the ES modules as published (index.js imports picker.js and database.js, nothing else) and
# the picker's Chinese strings; the data is served from static/ too, never from its CDN.
EMOJI_PICKER_VERSION=1.29.1  # emoji-picker-element
EMOJI_DATA_VERSION=1.8.0  # emoji-picker-element-data (Emojibase's annotations, tags, shortcodes)
(cd "$work" && npm pack --silent "emoji-picker-element@$EMOJI_PICKER_VERSION" >/dev/null \
  && mkdir emoji-picker && tar xzf "emoji-picker-element-$EMOJI_PICKER_VERSION.tgz" -C emoji-picker)
package="$work/emoji-picker/package"
dest=static/vendor/emoji-picker-element
rm -rf "$dest"
mkdir -p "$dest/i18n"
cp "$package/index.js" "$dest/"
cp "$package/i18n/zh_CN.js" "$dest/i18n/zh_CN.js"
cp "$package/LICENSE" "$dest/LICENSE"
# One change to its search: a word must be two characters long to be searched for (and to be
# kept as a search word of an emoji), which leaves Chinese without its one-character words:
# 猫 (cat), 心 (heart), 火 (fire). A Han character is a word on its own here.
python3 - "$package/database.js" "$dest/database.js" <<'PYTHON'
import sys

source, target = sys.argv[1:]
text = open(source, encoding="utf-8").read()
old = "    .filter(_ => _.length >= MIN_SEARCH_TEXT_LENGTH)\n"
new = (
    "    .filter(_ => _.length >= MIN_SEARCH_TEXT_LENGTH || /\\p{Script=Han}/u.test(_))"
    " // vendor_static.sh: 猫 is a word\n"
)
if text.count(old) != 1:
    sys.exit(f"emoji-picker-element's database.js has changed: {old.strip()!r} is not there once")
open(target, "w", encoding="utf-8").write(text.replace(old, new))
PYTHON
# Two changes, for the site's Content-Security-Policy (style-src 'self', no 'unsafe-inline'):
# the picker puts its stylesheet in a <style> element of its shadow root, and sets its
# computed styles with setAttribute("style", …); both are inline styles the policy refuses
# (a violation, and a picker without its styles). A constructed stylesheet (adoptedStyleSheets)
# and the style property (CSSOM) are not inline styles, and the policy allows them. The
# script stops if the code to change is not there exactly once (a new version: look again).
python3 - "$package/picker.js" "$dest/picker.js" <<'PYTHON'
import sys

source, target = sys.argv[1:]
text = open(source, encoding="utf-8").read()
changes = [
    (
        "    const style = document.createElement('style');\n"
        "    style.textContent = baseStyles + EXTRA_STYLES;\n"
        "    this.shadowRoot.appendChild(style);\n",
        "    const style = new CSSStyleSheet(); // vendor_static.sh: not a <style> element (CSP)\n"
        "    style.replaceSync(baseStyles + EXTRA_STYLES);\n"
        "    this.shadowRoot.adoptedStyleSheets = [style];\n",
    ),
    (
        "      } else if (searchText.length >= MIN_SEARCH_TEXT_LENGTH) {\n",
        "      } else if (searchText.length >= MIN_SEARCH_TEXT_LENGTH || /\\p{Script=Han}/u.test(searchText)) { // vendor_static.sh: 猫 is a word\n",
    ),
    (
        "        targetNode.setAttribute(attributeName, newValue);\n",
        "        if (attributeName === 'style') targetNode.style.cssText = newValue; // vendor_static.sh: CSSOM, not an inline style attribute (CSP)\n"
        "        else targetNode.setAttribute(attributeName, newValue);\n",
    ),
]
for old, new in changes:
    if text.count(old) != 1:
        sys.exit(f"emoji-picker-element's picker.js has changed: {old.strip()!r} is not there once")
    text = text.replace(old, new)
open(target, "w", encoding="utf-8").write(text)
PYTHON
echo "emoji-picker-element $EMOJI_PICKER_VERSION (npm), by scripts/vendor_static.sh;" \
  "picker.js changed for the Content-Security-Policy and both it and database.js for one-character Chinese words (see there)" > "$dest/VERSION"
echo "vendored emoji-picker-element $EMOJI_PICKER_VERSION into $dest"

(cd "$work" && npm pack --silent "emoji-picker-element-data@$EMOJI_DATA_VERSION" >/dev/null \
  && mkdir emoji-data && tar xzf "emoji-picker-element-data-$EMOJI_DATA_VERSION.tgz" -C emoji-data)
package="$work/emoji-data/package"
dest=static/vendor/emoji-picker-element-data
rm -rf "$dest"
mkdir -p "$dest"
# English pages: Emojibase's English data as published. Chinese pages: Emojibase's Chinese
# data, each emoji also carrying its English annotation and tags (as tags) and its English and
# pinyin shortcodes, so that "cat" and "猫咪" both find 🐱 and ":smile:" works in either language.
cp "$package/en/emojibase/data.json" "$dest/en.json"
python3 - "$package" "$dest/zh.json" <<'PYTHON'
import json
import sys
from pathlib import Path

package, target = Path(sys.argv[1]), sys.argv[2]


def read(path):
    return json.loads((package / path).read_text(encoding="utf-8"))


english = {entry["emoji"]: entry for entry in read("en/emojibase/data.json")}
pinyin = {entry["emoji"]: entry.get("shortcodes", []) for entry in read("zh/cldr/data.json")}
merged = []
for entry in read("zh/emojibase/data.json"):
    other = english.get(entry["emoji"], {})
    tags = [*entry.get("tags", []), other.get("annotation", ""), *other.get("tags", [])]
    codes = [*other.get("shortcodes", []), *pinyin.get(entry["emoji"], [])]
    entry["tags"] = list(dict.fromkeys(tag for tag in tags if tag))
    if codes:
        entry["shortcodes"] = list(dict.fromkeys(codes))
    merged.append(entry)
Path(target).write_text(
    json.dumps(merged, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
)
PYTHON
cp "$package/LICENSE" "$dest/LICENSE"
echo "emoji-picker-element-data $EMOJI_DATA_VERSION (npm), by scripts/vendor_static.sh:" \
  "en.json is en/emojibase/data.json; zh.json is zh/emojibase/data.json with the English" \
  "annotations, tags and shortcodes and zh/cldr's pinyin shortcodes merged in" > "$dest/VERSION"
echo "vendored emoji-picker-element-data $EMOJI_DATA_VERSION into $dest"
