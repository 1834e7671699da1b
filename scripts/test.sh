#!/usr/bin/env bash
# Installs what is missing, starts Docker, a Secret Service keychain and a virtual display,
# then runs every test: unit, integration, CLI, real Docker and Compose, real keychain, the real window.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/services.sh
start_docker

echo "==> Type-checking the UI (tsc --checkJs --strict)"
.tools/typescript/node_modules/.bin/tsc -p ui/tsconfig.json

echo "==> Building (the first build takes about 6 minutes on 2 cores)"
cargo build --workspace --all-targets --quiet

echo "==> Building the .deb and .rpm (debug; a test installs the .deb)"
scripts/package.sh --debug >/dev/null

# A private D-Bus session with its own unlocked gnome-keyring, so the tests never
# touch the user's own keychain; a private data folder keeps its keyring file apart.
keyring_home=$(mktemp -d /tmp/stackpilot-test-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"; [[ -n "${STACKPILOT_XVFB_PID:-}" ]] && kill "$STACKPILOT_XVFB_PID" 2>/dev/null || true' EXIT
start_xvfb

export STACKPILOT_TEST_KEYRING_HOME="$keyring_home"
dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$STACKPILOT_TEST_KEYRING_HOME/data" XDG_RUNTIME_DIR="$STACKPILOT_TEST_KEYRING_HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  eval "$(printf "stackpilot-tests" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  cargo test --workspace --all-targets --no-fail-fast -- --test-threads=2 "$@"
' test-session "$@"
echo "Screenshots of every screen and the test logs: $PWD/target/test-artifacts/"
