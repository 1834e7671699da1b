#!/usr/bin/env bash
# Benchmark: bring up the healthy fixture stack (3 services, depends_on service_healthy) with
# `stackpilot up` and with `docker compose up -d --wait`, alternately, RUNS times each, `down`
# between runs; report medians, the ratio, and how long after the engine's health event each
# tool reported readiness. Usage: bench/up.sh [RUNS]   (needs Docker: source scripts/services.sh; start_docker)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
cargo build --quiet -p stackpilot-cli
source bench/fixture.sh
fixture_stacks spbench 18097
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$runs" <<'PY'
import json, statistics, subprocess, sys, time, threading
work, runs = sys.argv[1], int(sys.argv[2])
sp = ["target/debug/stackpilot", "--workspace", work]
compose = ["docker", "compose", "-p", "spbench-healthy", "-f", f"{work}/healthy.yml", "--env-file", f"{work}/.env.healthy"]

def down():
    subprocess.run(compose + ["down", "--remove-orphans"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

def health_events(stop, out):
    p = subprocess.Popen(["docker", "events", "--filter", "label=com.docker.compose.project=spbench-healthy",
                          "--filter", "event=health_status", "--format", "{{.TimeNano}} {{.Status}}"],
                         stdout=subprocess.PIPE, text=True)
    stop.wait(); p.terminate()
    for line in p.stdout.read().splitlines():
        ns, status = line.split(" ", 1)
        if "healthy" in status and "unhealthy" not in status:
            out.append(int(ns))

ours, theirs, our_delay, their_delay = [], [], [], []
down()
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(sp + ["up", "healthy", "--no-check", "--json"], capture_output=True, text=True)
    ours.append(time.perf_counter() - t)
    report = json.loads(r.stdout)
    assert report["outcome"]["outcome"] == "ready", report["outcome"]
    for s in report["services"]:
        if s["ready_event_ns"] and s["state"]["state"] == "healthy":
            our_delay.append((s["ready_seen_ns"] - s["ready_event_ns"]) / 1e6)
    down()
    stop, events = threading.Event(), []
    th = threading.Thread(target=health_events, args=(stop, events)); th.start(); time.sleep(0.3)
    t = time.perf_counter()
    subprocess.run(compose + ["up", "-d", "--wait"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done_ns = time.time_ns()
    theirs.append(time.perf_counter() - t)
    stop.set(); th.join()
    if events:
        their_delay.append((done_ns - max(events)) / 1e6)
    down()
mo, mt = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
print(f"healthy fixture stack, {runs} runs each, alternating (down between runs)")
print(f"  stackpilot up               median {mo:7.0f} ms  (min {min(ours)*1000:.0f}, max {max(ours)*1000:.0f})")
print(f"  docker compose up -d --wait median {mt:7.0f} ms  (min {min(theirs)*1000:.0f}, max {max(theirs)*1000:.0f})")
print(f"  ratio stackpilot/compose    {mo / mt:.2f}")
print(f"  health event -> reported: stackpilot median {statistics.median(our_delay):.1f} ms (max {max(our_delay):.1f}, n={len(our_delay)});"
      f" compose --wait median {statistics.median(their_delay):.0f} ms (n={len(their_delay)})")
PY
