#!/usr/bin/env bash
# Benchmark: how long `stackpilot up healthy` takes from its own start to spawning
# `docker compose up`, and which Compose commands it runs on the way (strace's execve
# trace), with the checks (the start reuses their model) and with --no-check (the start
# reads the model itself). Usage: bench/up-spawn.sh [RUNS]   (needs Docker and strace)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v strace >/dev/null || { echo "strace is needed: apt-get install strace" >&2; exit 1; }
cargo build --quiet -p stackpilot-cli
source bench/fixture.sh
fixture_stacks spspawn 18098
trap 'docker compose -p spspawn-healthy down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
python3 - "$work" "$runs" <<'PY'
import re, statistics, subprocess, sys, tempfile, os
work, runs = sys.argv[1], int(sys.argv[2])
def once(extra):
    trace = tempfile.mktemp()
    subprocess.run(["strace", "-f", "-ttt", "-v", "-s", "512", "-e", "trace=execve", "-o", trace, "target/debug/stackpilot", "--workspace", work, "up", "healthy", *extra],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = open(trace).read().splitlines(); os.unlink(trace)
    start = float(lines[0].split()[1])
    spawned, configs = None, 0
    for line in lines[1:]:
        if "execve(" not in line or "= -1" in line: continue
        args = re.findall(r'"([^"]*)"', line.split("execve(", 1)[1].split("], [", 1)[0])
        if not args or "compose" not in args[0]: continue
        if "config" in args: configs += 1
        if "up" in args and spawned is None: spawned = float(line.split()[1]) - start
    subprocess.run(["target/debug/stackpilot", "--workspace", work, "down", "healthy"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return spawned * 1000, configs
for label, extra in [("up healthy (checks, model reused)", []), ("up healthy --no-check", ["--no-check"])]:
    results = [once(extra) for _ in range(runs)]
    times = [r[0] for r in results]
    print(f"{label:36} to `compose up`: median {statistics.median(times):6.1f} ms (min {min(times):.1f}, max {max(times):.1f}); `compose config` runs: {sorted(set(r[1] for r in results))}")
PY
