#!/usr/bin/env bash
# Installs what is missing, then opens the Stackpilot window on the default workspace (configs/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/services.sh
start_docker || echo "Continuing without Docker: the app will show how to start it." >&2
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "No display found: starting a virtual one (Xvfb). Run this from a desktop session to see the window." >&2
  start_xvfb
fi
echo "Building and starting Stackpilot (the first build takes about 5 minutes on 2 cores)…"
exec cargo run --quiet -p stackpilot-desktop -- --workspace "$PWD/configs" "$@"
