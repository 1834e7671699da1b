#!/usr/bin/env bash
# Benchmark: the app's memory while a noisy service floods its log pane. A fixture service
# prints 100,000 lines at once; the app (debug build), opened on the running environment,
# lands on its dashboard and follows them (the pane keeps the newest 2,000). The PSS of the
# app and its WebKit processes (/proc/PID/smaps_rollup) is read before the flood and after
# the app has taken every line. Usage: bench/log-flood.sh   (needs Docker and Xvfb, as the tests)
# FLOOD=0: the control, the same time with a quiet service; SETTLE=N: seconds waited after it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p stackpilot-desktop -p stackpilot-cli
source scripts/services.sh
start_docker
start_xvfb
source bench/fixture.sh
fixture_stacks spflood 18099
cat > "$work/flood.yml" <<'YML'
services:
  noisy:
    image: stackpilot-test/busybox:1
    command: ["sh", "-c", "echo waiting; while [ ! -f /tmp/flood ]; do sleep 0.2; done; i=0; while [ $$i -lt 100000 ]; do i=$$((i+1)); echo \"line $$i of the flood, long enough to look like a real log line\"; done; echo flood done; exec sleep 3600"]
YML
printf '  flood:\n    title: Flood\n    compose: [flood.yml]\n    secrets: []\n    timeout: 60s\n' >> "$work/stackpilot.yaml"
home=$(mktemp -d)
cleanup() {
  [[ -n "${app:-}" ]] && kill "$app" 2>/dev/null || true
  docker compose -p spflood-flood down -t 1 >/dev/null 2>&1 || true
  rm -rf "$work" "$home"
}
trap cleanup EXIT
target/debug/stackpilot --workspace "$work" up flood --no-check >/dev/null
XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" target/debug/stackpilot-desktop --workspace "$work" >/dev/null 2>"$home/app.log" &
app=$!

# PSS in KiB of a process and all its descendants (the WebKit web and network processes);
# each one's on stderr.
pss() {
  local total=0 pid kib
  for pid in $(pstree -pT "$app" | grep -o '([0-9]\+)' | tr -d '()'); do
    kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    echo "    $(cat /proc/$pid/comm 2>/dev/null) $((kib / 1024)) MiB" >&2
    total=$((total + kib))
  done
  echo "$total"
}

sleep 20   # the window is up, the dashboard follows the logs and the stats
before=$(pss)
started=$(date +%s.%N)
if [[ "${FLOOD:-1}" == 1 ]]; then
  docker exec spflood-flood-noisy-1 touch /tmp/flood
  until docker logs spflood-flood-noisy-1 2>&1 | tail -n 1 | grep -q "flood done"; do sleep 0.5; done
else
  sleep 12   # the control: the same time with a quiet service
fi
printed=$(date +%s.%N)
sleep "${SETTLE:-15}"   # the app takes and renders what the engine sends
after=$(pss)
alive=$(kill -0 "$app" 2>/dev/null && echo yes || echo no)
python3 - "$before" "$after" "$started" "$printed" "$alive" <<'PY'
import sys
before, after, started, printed, alive = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(f"100,000 log lines printed in {printed - started:.1f} s by the service")
print(f"  app PSS before the flood   {before / 1024:7.1f} MiB")
print(f"  app PSS after the flood    {after / 1024:7.1f} MiB")
print(f"  difference                 {(after - before) / 1024:+7.1f} MiB   (target: at most +50 MiB)")
print(f"  app still running          {alive}")
PY
