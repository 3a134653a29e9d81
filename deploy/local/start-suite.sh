#!/usr/bin/env bash
# The one start command (README): provisions PostgreSQL + RabbitMQ (installing them from Debian
# packages if missing), builds the four services and starts them as local processes.
# With Docker available and USE_DOCKER=1 it runs `docker compose up` instead.
# WITH_PROMETHEUS=1 also starts Prometheus (Debian package) on 127.0.0.1:9090 scraping the four
# services with the alert rules of deploy/prometheus.
# Stop with deploy/local/stop-suite.sh. Logs: run/logs/<service>.log.
#
# The services listen on 127.0.0.1 only: public ports 8080-8083 (every request needs a bearer token)
# and management ports 9080-9083 (health, metrics, OpenAPI). Tokens: this machine's local issuer
# (deploy/local/local-issuer.sh, a key pair created once under ~/.local/state/waiting-room/issuer),
# minted with deploy/local/token.sh ROLE. With AUTH_ISSUER and AUTH_JWKS_URL already exported, the
# suite trusts that issuer instead (e.g. a Keycloak realm; token.sh tokens are then refused).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
source deploy/local/local-issuer.sh

declare -A PORTS=([api-service]=${API_PORT:-8080} [outbox-worker]=${OUTBOX_PORT:-8081}
                  [projection-worker]=${PROJECTION_PORT:-8082} [event-ingest-service]=${INGEST_PORT:-8083})
declare -A MANAGEMENT_PORTS=([api-service]=${API_MANAGEMENT_PORT:-9080} [outbox-worker]=${OUTBOX_MANAGEMENT_PORT:-9081}
                             [projection-worker]=${PROJECTION_MANAGEMENT_PORT:-9082}
                             [event-ingest-service]=${INGEST_MANAGEMENT_PORT:-9083})

if [ -n "${AUTH_ISSUER:-}" ] && [ -n "${AUTH_JWKS_URL:-}" ] && [ "$AUTH_ISSUER" != "$LOCAL_ISSUER_URL" ]; then
  LOCAL_ISSUER=0
  echo "[suite] token issuer from the environment: $AUTH_ISSUER (keys: $AUTH_JWKS_URL)"
elif [ -n "${AUTH_ISSUER:-}${AUTH_JWKS_URL:-}" ] && [ "${AUTH_ISSUER:-}" != "$LOCAL_ISSUER_URL" ]; then
  echo "[suite] set both AUTH_ISSUER and AUTH_JWKS_URL (another issuer) or neither (the local issuer)" >&2
  exit 2
else
  LOCAL_ISSUER=1
  ensure_local_issuer
  export AUTH_ISSUER=$LOCAL_ISSUER_URL AUTH_JWKS_URL=file:$LOCAL_ISSUER_PUBLIC_KEY
fi
export AUTH_AUDIENCE=${AUTH_AUDIENCE:-waiting-room} AUTH_ROLES_CLAIM=${AUTH_ROLES_CLAIM:-groups}

how_to_call() {
  if [ "$LOCAL_ISSUER" = 1 ]; then
    cat <<TXT
tokens (local issuer; roles: receptionist cashier doctor viewer admin log-writer log-reader):
  deploy/local/token.sh doctor                     # prints a bearer token, valid 8 h
  deploy/local/token.sh cashier cashier-2 3600     # subject cashier-2, valid 1 h
try:
  curl -s -XPOST localhost:${PORTS[api-service]}/api/waiting-rooms/ER-1/check-ins -H 'Content-Type: application/json' \\
    -H "Authorization: Bearer \$(deploy/local/token.sh receptionist)" \\
    -d '{"patientId":"P-1","patientName":"Ana","priority":"High","consultationType":"General"}'
  curl -s localhost:${PORTS[projection-worker]}/api/waiting-rooms/ER-1/queue -H "Authorization: Bearer \$(deploy/local/token.sh viewer)"
TXT
  else
    echo "tokens: from $AUTH_ISSUER (audience $AUTH_AUDIENCE, roles in claim $AUTH_ROLES_CLAIM)"
  fi
}

if [ "${USE_DOCKER:-0}" = 1 ] && docker info >/dev/null 2>&1; then
  mvn -B -ntp -q package -DskipTests
  if [ "$LOCAL_ISSUER" = 1 ]; then
    # the containers read the public key where docker-compose.yml mounts LOCAL_ISSUER_PUBLIC_KEY
    export LOCAL_ISSUER_PUBLIC_KEY AUTH_JWKS_URL=file:/etc/waiting-room/issuer/public.pem
  fi
  docker compose up -d --build
  how_to_call
  exit 0
fi

bash deploy/local/ensure-infra.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "[suite] building (mvn package -DskipTests)…"
  mvn -B -ntp -q package -DskipTests
fi

mkdir -p run/logs
bash deploy/local/stop-suite.sh >/dev/null 2>&1 || true

start() {
  local service=$1
  # Loopback only, whatever the calling shell exports (the services' own default too).
  HTTP_HOST=127.0.0.1 HTTP_PORT=${PORTS[$service]} \
  MANAGEMENT_HOST=127.0.0.1 MANAGEMENT_PORT=${MANAGEMENT_PORTS[$service]} \
    nohup java ${JAVA_OPTS:--Xmx384m} -jar "$ROOT/$service/target/quarkus-app/quarkus-run.jar" \
    >"run/logs/$service.log" 2>&1 &
  echo $! >"run/$service.pid"
}

await_ready() {
  local service=$1 url="http://127.0.0.1:${MANAGEMENT_PORTS[$1]}/q/health/ready"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$(cat "run/$service.pid")" 2>/dev/null; then
      echo "[suite] $service exited; last log lines:"; tail -n 40 "run/logs/$service.log"; return 1
    fi
    sleep 0.5
  done
  echo "[suite] $service not ready after 60 s; see run/logs/$service.log"; return 1
}

# api-service first: it applies the event-store migrations the workers read.
start api-service; await_ready api-service
for service in outbox-worker projection-worker event-ingest-service; do start "$service"; done
for service in outbox-worker projection-worker event-ingest-service; do await_ready "$service"; done

if [ "${WITH_PROMETHEUS:-0}" = 1 ]; then
  command -v prometheus >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus; }
  mkdir -p run/prometheus
  nohup prometheus --config.file="$ROOT/deploy/prometheus/prometheus-local.yml" \
    --storage.tsdb.path="$ROOT/run/prometheus" --web.listen-address=127.0.0.1:9090 \
    >run/logs/prometheus.log 2>&1 &
  echo $! >run/prometheus.pid
  echo "[suite] Prometheus http://127.0.0.1:9090 (targets: /targets, alerts: /alerts)"
fi

cat <<TXT
[suite] all four services are ready (127.0.0.1 only)
  service              public (bearer token)    management (health, metrics, OpenAPI)
  api-service          http://127.0.0.1:${PORTS[api-service]}    http://127.0.0.1:${MANAGEMENT_PORTS[api-service]}
  outbox-worker        http://127.0.0.1:${PORTS[outbox-worker]}    http://127.0.0.1:${MANAGEMENT_PORTS[outbox-worker]}   (admin API /admin/outbox: role admin)
  projection-worker    http://127.0.0.1:${PORTS[projection-worker]}    http://127.0.0.1:${MANAGEMENT_PORTS[projection-worker]}
  event-ingest-service http://127.0.0.1:${PORTS[event-ingest-service]}    http://127.0.0.1:${MANAGEMENT_PORTS[event-ingest-service]}
  health: /q/health/ready  metrics: /q/metrics  OpenAPI: /q/openapi (management ports)
  logs: run/logs/  stop: deploy/local/stop-suite.sh
TXT
how_to_call
