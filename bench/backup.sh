#!/usr/bin/env bash
# Volume backup and restore: `stackpilot backup`/`restore` against the usual hand-made way, a
# helper container running tar (`docker run --rm -v VOLUME:/data -v DIR:/backup busybox tar czf …`),
# and `docker cp … - | gzip -1`, on the same volume in the same run: wall time (median of RUNS),
# archive size, and Stackpilot's peak memory (max RSS). The volume holds SIZE MB of random bytes
# (incompressible: uploads, media) and SIZE MB of SQL-like text (compressible: a database dump).
# Usage: [PROFILE=release] [SIZE=200] bench/backup.sh [RUNS]   (needs Docker; from scripts/test.sh's
# environment or after `source scripts/services.sh; start_docker`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
size=${SIZE:-200}
profile=${PROFILE:-debug}
flags=(); [[ $profile == release ]] && flags=(--release)
[[ "${BUILD:-1}" == 1 ]] && cargo build --quiet "${flags[@]}" -p stackpilot-cli
source scripts/services.sh
start_docker
image=stackpilot-test/busybox:1
docker image inspect "$image" >/dev/null 2>&1 || { echo "$image missing: run the tests once (scripts/test.sh) to build it" >&2; exit 1; }
work=$(mktemp -d)
export XDG_DATA_HOME="$work/data"
sp() { target/"$profile"/stackpilot --workspace "$work/ws" "$@"; }
trap 'sp down data --volumes --yes >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/ws" "$work/out"
cp tests/fixtures/stacks/* "$work/ws/"
sed -i -e 's/project: fxstack/project: spbench/' -e 's/secrets: \[APP_TOKEN\]/secrets: []/' -e '/APP_TOKEN: { length/d' -e 's/^secrets:$//' "$work/ws/stackpilot.yaml"
printf 'APP_TOKEN=bench-value\n' > "$work/ws/.env.data"
sp up data --no-check >/dev/null
docker exec spbench-data-db-1 sh -c "head -c ${size}000000 /dev/urandom > /var/lib/db/blob.bin && \
  yes 'INSERT INTO orders VALUES (42, \"2026-11-28\", \"a row of a table dump\", 1999);' | head -c ${size}000000 > /var/lib/db/dump.sql"
sp stop data >/dev/null
python3 - "$work" "$runs" "$profile" "$image" <<'PY'
import os, resource, statistics, subprocess, sys, time
work, runs, profile, image = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sp = [f"target/{profile}/stackpilot", "--workspace", f"{work}/ws"]
volume, container, out = "spbench-data_data", "spbench-data-db-1", f"{work}/out"

def run(cmd, **kw):
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - start

def clean():
    subprocess.run(["rm", "-rf", out, f"{work}/data/stackpilot/backups"], check=True)
    os.makedirs(out)

def latest():
    base = f"{work}/data/stackpilot/backups/spbench-data"
    return os.path.join(base, sorted(os.listdir(base))[-1])

def size_of(path):
    if os.path.isfile(path): return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)

def stopped():
    """The environment's containers there and stopped, as after `stackpilot stop` (not timed)."""
    subprocess.run(sp + ["up", "data", "--no-check"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(sp + ["stop", "data"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

results = {}
def measure(name, backup, restore):
    b, r, sizes = [], [], []
    for _ in range(runs):
        clean()
        stopped()
        b.append(backup())
        sizes.append(size_of(out) or size_of(f"{work}/data/stackpilot/backups"))
        r.append(restore())
    results[name] = (statistics.median(b), statistics.median(r), statistics.median(sizes))

def sp_backup():
    return run(sp + ["backup", "data", "--volume", "data"])
def sp_restore():
    return run(sp + ["restore", "data", "latest", "--yes", "--no-backup"])

helper_backup = lambda: run(["docker", "run", "--rm", "-v", f"{volume}:/data:ro", "-v", f"{out}:/backup", image, "tar", "czf", "/backup/data.tar.gz", "-C", "/data", "."])
helper_restore = lambda: run(["docker", "run", "--rm", "-v", f"{volume}:/data", "-v", f"{out}:/backup", image, "sh", "-c", "cd /data && rm -rf /data/* /data/.[!.]* && tar xzf /backup/data.tar.gz"])
def cp_backup():
    return run(["sh", "-c", f"docker cp {container}:/var/lib/db/. - | gzip -1 > {out}/data.tar.gz"])
def cp_restore():
    return run(["sh", "-c", f"gunzip -c {out}/data.tar.gz | docker cp - {container}:/var/lib/db"])

measure("stackpilot backup / restore", sp_backup, sp_restore)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest child so far: stackpilot
measure("docker run busybox tar czf / tar xzf", helper_backup, helper_restore)
measure("docker cp | gzip -1 / gunzip | docker cp", cp_backup, cp_restore)

sp_b, sp_r, _ = results["stackpilot backup / restore"]
data = int(subprocess.run(["docker", "run", "--rm", "-v", f"{volume}:/data:ro", image, "du", "-sk", "/data"], capture_output=True, text=True, check=True).stdout.split()[0]) * 1024
print(f"volume {volume}: {data/1e6:.0f} MB of files; median of {runs} runs; {profile} build")
print(f"{'':44} {'backup':>9} {'restore':>9} {'archive':>10} {'backup ratio':>13} {'restore ratio':>14}")
for name, (b, r, s) in results.items():
    print(f"{name:44} {b:8.2f}s {r:8.2f}s {s/1e6:8.1f}MB {b/sp_b:12.2f}x {r/sp_r:13.2f}x")
print(f"stackpilot's peak memory (max RSS): {rss/1024:.1f} MiB")
PY
