#!/usr/bin/env bash
# Benchmark: `stackpilot init --dry-run` on every project of the Compose corpus (median and
# max, 3 runs each), next to `docker compose config` alone in the same folder (the floor:
# init runs Compose's model once per proposed environment, plus its variable list).
# Usage: bench/init.sh [CORPUS]   (needs Compose v2; no Docker daemon)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/compose-corpus}
cargo build --quiet -p stackpilot-cli
bin=$PWD/target/debug/stackpilot
python3 - "$bin" "$corpus" <<'PY'
import json, os, shutil, statistics, subprocess, sys, tempfile, time
binary, corpus = sys.argv[1], sys.argv[2]
ours, floor, names = [], [], []
for case in sorted(os.listdir(corpus)):
    path = os.path.join(corpus, case)
    try:
        spec = json.load(open(os.path.join(path, "case.json")))
    except (FileNotFoundError, NotADirectoryError):
        continue
    with tempfile.TemporaryDirectory() as temp:
        shutil.copytree(path, os.path.join(temp, "p"), ignore=shutil.ignore_patterns("expected", "case.json", "SOURCE.txt", "NOTES.md"))
        folder = os.path.join(temp, "p", spec.get("workdir", "."))
        if not any(os.path.isfile(os.path.join(folder, f)) for f in ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")):
            continue
        for _ in range(3):
            t = time.perf_counter(); r = subprocess.run([binary, "init", "--dry-run", folder], capture_output=True); ours.append(time.perf_counter() - t)
            t = time.perf_counter(); subprocess.run(["docker", "compose", "config", "--format", "json"], cwd=folder, capture_output=True); floor.append(time.perf_counter() - t)
        names.append((case, r.returncode))
ok = sum(1 for _, rc in names if rc == 0)
print(f"stackpilot init --dry-run on {len(names)} corpus projects ({ok} proposed, 3 runs each)")
print(f"  init                    median {statistics.median(ours)*1000:7.1f} ms  max {max(ours)*1000:7.1f} ms")
print(f"  docker compose config   median {statistics.median(floor)*1000:7.1f} ms  max {max(floor)*1000:7.1f} ms")
print(f"  ratio init / config     {statistics.median(ours)/statistics.median(floor):.1f}x (writing a schema by hand took 3 to 6 minutes a project)")
for case, rc in names:
    if rc != 0:
        print(f"  not proposed: {case} (exit {rc})")
PY
