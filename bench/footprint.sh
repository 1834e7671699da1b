#!/usr/bin/env bash
# Footprint: the app with a running environment's dashboard open, against a blank Tauri window
# built from the same dependencies (src-tauri/examples/blank_window.rs), in the same run:
# time until the window is mapped, and idle memory (PSS of the process and its WebKit children).
# Usage: [PROFILE=release] bench/footprint.sh [RUNS]   (needs Docker, Xvfb and x11-utils; run from
# scripts/test.sh's environment or after `source scripts/services.sh; start_docker; start_xvfb`)
# PROFILE=release measures release builds of both (the release profile of Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v xwininfo >/dev/null || { echo "xwininfo missing: apt-get install x11-utils" >&2; exit 1; }
profile=${PROFILE:-debug}
flags=(); [[ $profile == release ]] && flags=(--release)
# BUILD=0: measure the binaries already built (e.g. the ones scripts/package.sh made).
[[ "${BUILD:-1}" == 1 ]] && cargo build --quiet "${flags[@]}" -p stackpilot-desktop -p stackpilot-cli --bins --examples
work=$(mktemp -d)
trap 'target/$profile/stackpilot --workspace "$work" down healthy >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cp tests/fixtures/stacks/* "$work/"
sed -i -e 's/project: fxstack/project: spfoot/' -e 's/secrets: \[APP_TOKEN\]/secrets: []/' -e '/APP_TOKEN: { length/d' -e 's/^secrets:$//' "$work/stackpilot.yaml"
printf 'WEB_PORT=18099\nAPP_TOKEN=bench-value\n' > "$work/.env.healthy"
target/"$profile"/stackpilot --workspace "$work" up healthy --no-check >/dev/null
python3 - "$work" "$runs" "$profile" <<'PY'
import os, statistics, subprocess, sys, time
work, runs, profile = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def tree(pid):
    out = {pid}
    for line in subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.splitlines():
        p, pp = map(int, line.split())
        if pp in out: out.add(p)
    # twice: grandchildren
    for line in subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.splitlines():
        p, pp = map(int, line.split())
        if pp in out: out.add(p)
    return out

def pss_kib(pids):
    total = 0
    for p in pids:
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Pss:"): total += int(line.split()[1])
        except OSError: pass
    return total

def measure(cmd, title):
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"))
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shown = None
    while time.perf_counter() - t < 20:
        out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
        if f'"{title}"' in out:
            shown = time.perf_counter() - t; break
        time.sleep(0.02)
    time.sleep(8)  # let it settle: the dashboard streams logs and stats meanwhile
    pss = pss_kib(tree(proc.pid))
    proc.terminate(); proc.wait(timeout=10); time.sleep(2)
    return shown, pss / 1024

app, blank = [], []
for _ in range(runs):
    blank.append(measure([f"target/{profile}/examples/blank_window"], "Blank"))
    app.append(measure([f"target/{profile}/stackpilot-desktop", "--workspace", work], "Stackpilot"))
bs, bm = statistics.median(b[0] for b in blank), statistics.median(b[1] for b in blank)
as_, am = statistics.median(a[0] for a in app), statistics.median(a[1] for a in app)
print(f"footprint ({profile} builds), {runs} runs each, alternating (app: dashboard of a running 3-service environment)")
print(f"  window shown after: app {as_:.2f} s, blank {bs:.2f} s")
print(f"  idle PSS (process + WebKit children): app {am:.0f} MiB, blank {bm:.0f} MiB, ratio {am / bm:.2f}")
PY
