#!/usr/bin/env bash
# Builds Stackpilot's Linux packages, .deb and .rpm, with the Tauri bundler (the settings are
# in src-tauri/tauri.conf.json). Each ships the desktop app (/usr/bin/stackpilot-desktop, its
# desktop entry and icons) and, beside it, the command line (/usr/bin/stackpilot) with its man
# pages and its bash, zsh and fish completions, generated here by the CLI itself.
#   scripts/package.sh           release build (what you distribute)
#   scripts/package.sh --debug   debug build (quicker; what the package test installs)
# The packages land in target/<profile>/bundle/{deb,rpm}/. macOS (.app, .dmg) and Windows
# (NSIS, MSI) are configured too but only build on those systems; AppImage needs linuxdeploy,
# downloaded from GitHub at build time (docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
build_flags=(--release)
tauri_flags=()
if [[ "${1:-}" == "--debug" ]]; then
  profile=debug
  build_flags=()
  tauri_flags=(--debug)
fi
scripts/setup.sh --package >/dev/null
[[ -x "$HOME/.cargo/bin/cargo" ]] && export PATH="$HOME/.cargo/bin:$PATH"
tauri=.tools/tauri-cli/node_modules/.bin/tauri

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }

say "Building the command line ($profile)"
cargo build --quiet "${build_flags[@]}" -p stackpilot-cli
cli="$PWD/target/$profile/stackpilot"

# The CLI's man pages and completions, and a configuration that adds them and the CLI to
# both packages (merged over tauri.conf.json by `tauri build --config`).
stage="$PWD/target/$profile/package-files"
rm -rf "$stage"
mkdir -p "$stage/man"
"$cli" man -o "$stage/man" >/dev/null
gzip -9n "$stage"/man/*.1
"$cli" completions bash >"$stage/stackpilot.bash"
"$cli" completions zsh >"$stage/_stackpilot"
"$cli" completions fish >"$stage/stackpilot.fish"
python3 - "$stage" "$cli" <<'PY'
import json, pathlib, sys
stage, cli = pathlib.Path(sys.argv[1]), sys.argv[2]
files = {
    "/usr/bin/stackpilot": cli,
    "/usr/share/bash-completion/completions/stackpilot": str(stage / "stackpilot.bash"),
    "/usr/share/zsh/vendor-completions/_stackpilot": str(stage / "_stackpilot"),
    "/usr/share/fish/vendor_completions.d/stackpilot.fish": str(stage / "stackpilot.fish"),
}
for page in sorted((stage / "man").iterdir()):
    files[f"/usr/share/man/man1/{page.name}"] = str(page)
config = {"bundle": {"linux": {"deb": {"files": files}, "rpm": {"files": files}}}}
(stage / "package.json").write_text(json.dumps(config, indent=2))
PY

say "Building the desktop app and its packages ($profile)"
"$tauri" build "${tauri_flags[@]}" --bundles deb,rpm --config "$stage/package.json" --ci

# Debian's Suggests field, which the bundler does not write: a Secret Service provider (the
# keychain the generated secrets live in).
deb=$(ls -t target/"$profile"/bundle/deb/*.deb | head -n1)
rpm=$(ls -t target/"$profile"/bundle/rpm/*.rpm | head -n1)
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -R "$deb" "$unpacked/root"
grep -q '^Suggests:' "$unpacked/root/DEBIAN/control" \
  || sed -i '/^Depends:/a Suggests: gnome-keyring | kwalletmanager | keepassxc' "$unpacked/root/DEBIAN/control"
# xz for what is distributed; a quick gzip for the debug package the test installs.
compression=(-Zxz)
[[ $profile == debug ]] && compression=(-Zgzip -z1)
dpkg-deb --root-owner-group "${compression[@]}" -b "$unpacked/root" "$deb" >/dev/null

say "Packages"
for package in "$deb" "$rpm"; do
  printf '  %-60s %6.1f MB\n' "$package" "$(stat -c %s "$package" | awk '{print $1 / 1e6}')"
done
