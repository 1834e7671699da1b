#!/usr/bin/env bash
# The obvious alternative to `stackpilot check`: the seed's approach, one tool after another.
# Usage: bench/sequential-validator.sh ENV   (reads configs/environment_schema.yaml's compose files for ENV)
set -u
cd "$(dirname "$0")/../configs"
env_name=${1:-production}
case "$env_name" in
  production) files=(-f docker-compose.yml -f docker-compose.production.override.yml); profiles=(--profile ai --profile full) ;;
  dev) files=(-f docker-compose.yml -f docker-compose.development.override.yml); profiles=(--profile ai --profile full) ;;
  *) files=(-f docker-compose.yml); profiles=() ;;
esac
for s in POSTGRES_PASSWORD REDIS_PASSWORD QDRANT_API_KEY MINIO_ROOT_PASSWORD LITELLM_MASTER_KEY LITELLM_SALT_KEY \
         N8N_ENCRYPTION_KEY WEBUI_SECRET_KEY GRAFANA_ADMIN_PASSWORD ELASTIC_PASSWORD KIBANA_ENCRYPTION_KEY; do
  export "$s=placeholder"
done
fail=0
docker --version >/dev/null || fail=1
docker info >/dev/null 2>&1 || fail=1
docker compose version >/dev/null || fail=1
docker compose -p "multimodal-$env_name" "${files[@]}" "${profiles[@]}" config --format json >/tmp/seqval-config.json || fail=1
[[ -f ".env.$env_name" ]] || fail=1
nvidia-smi -L >/dev/null 2>&1 || fail=1
docker info --format '{{json .Runtimes}}' | grep -q nvidia || fail=1
free -b >/dev/null
df -B1 "$(docker info --format '{{.DockerRootDir}}')" >/dev/null || fail=1
for port in $(python3 -c "import json;d=json.load(open('/tmp/seqval-config.json'));print(' '.join(sorted({p['published'] for s in d['services'].values() for p in s.get('ports',[]) if p.get('published')})))"); do
  if [[ -n "$(ss -ltnH "sport = :$port")" ]]; then fail=1; fi
done
docker system df >/dev/null || fail=1
for image in $(python3 -c "import json;d=json.load(open('/tmp/seqval-config.json'));print(' '.join(sorted({s['image'] for s in d['services'].values() if s.get('image')})))"); do
  docker image inspect "$image" >/dev/null 2>&1 || fail=1
done
exit $fail
