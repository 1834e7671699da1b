#!/usr/bin/env bash
# Every icon the app ships, for every platform, from one source: icons/source.svg.
# Writes icons/: the PNG sizes Linux desktops and the packages use (16 to 512 and the @2x
# ones), icon.icns (macOS), icon.ico (Windows, which tauri-build needs even to compile there)
# and the Windows store logos, with the Tauri CLI's `icon` command (installed into
# .tools/tauri-cli by scripts/setup.sh --package). Usage: scripts/icons.sh; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tauri=.tools/tauri-cli/node_modules/.bin/tauri
[[ -x $tauri ]] || scripts/setup.sh --package
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tauri" icon icons/source.svg -o "$out" >/dev/null 2>&1
"$tauri" icon icons/source.svg -o "$out" --png 16,24,48,256,512 >/dev/null 2>&1
rm -rf "$out/android" "$out/ios"   # a desktop app: no mobile icons
find icons -maxdepth 1 -type f ! -name source.svg -delete
cp "$out"/* icons/
ls icons
