#!/usr/bin/env bash
# Benchmark: `stackpilot check ENV` against the sequential shell validator, alternating, in one run;
# then the in-process re-check with a warm Compose model cache.
# Usage: bench/check.sh [ENV] [RUNS]    (needs Docker running: source scripts/services.sh; start_docker)
#        PROFILE=release bench/check.sh     the binaries people install (default: debug)
set -euo pipefail
cd "$(dirname "$0")/.."
env_name=${1:-production}
runs=${2:-15}
profile=${PROFILE:-debug}
flag=$([[ $profile == release ]] && echo --release || true)
cargo build --quiet $flag -p stackpilot-cli
cargo build --quiet $flag -p stackpilot-core --example recheck
bin=target/$profile/stackpilot
echo "profile: $profile"
"$bin" check "$env_name" --workspace configs --json >/dev/null || true   # warm the engine and page cache
python3 - "$bin" "$env_name" "$runs" <<'PY'
import json, statistics, subprocess, sys, time
binary, env, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
ours, theirs = [], []
for _ in range(runs):
    t = time.perf_counter(); subprocess.run([binary, "check", env, "--workspace", "configs", "--json"], stdout=subprocess.DEVNULL); ours.append(time.perf_counter() - t)
    t = time.perf_counter(); subprocess.run(["bench/sequential-validator.sh", env], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); theirs.append(time.perf_counter() - t)
mo, mt = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
print(f"full check of {env}, {runs} runs each, alternating")
print(f"  stackpilot check            median {mo:7.1f} ms  (min {min(ours)*1000:.1f}, max {max(ours)*1000:.1f})")
print(f"  sequential shell validator  median {mt:7.1f} ms  (min {min(theirs)*1000:.1f}, max {max(theirs)*1000:.1f})")
print(f"  ratio                       {mt / mo:.1f}x faster")
PY
target/$profile/examples/recheck configs "$env_name" "$runs"
