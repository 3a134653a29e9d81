#!/usr/bin/env bash
# The one start command (README): provisions PostgreSQL + RabbitMQ (installing them from Debian
# packages if missing), builds the four services and starts them as local processes.
# With Docker available and USE_DOCKER=1 it runs `docker compose up` instead.
# WITH_PROMETHEUS=1 also starts Prometheus (Debian package) on 127.0.0.1:9090 scraping the four
# services with the alert rules of deploy/prometheus.
# Stop with deploy/local/stop-suite.sh. Logs: run/logs/<service>.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

if [ "${USE_DOCKER:-0}" = 1 ] && docker info >/dev/null 2>&1; then
  mvn -B -ntp -q package -DskipTests
  exec docker compose up -d --build
fi

bash deploy/local/ensure-infra.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "[suite] building (mvn package -DskipTests)…"
  mvn -B -ntp -q package -DskipTests
fi

mkdir -p run/logs
bash deploy/local/stop-suite.sh >/dev/null 2>&1 || true

declare -A PORTS=([api-service]=${API_PORT:-8080} [outbox-worker]=${OUTBOX_PORT:-8081}
                  [projection-worker]=${PROJECTION_PORT:-8082} [event-ingest-service]=${INGEST_PORT:-8083})

start() {
  local service=$1
  HTTP_PORT=${PORTS[$service]} nohup java ${JAVA_OPTS:--Xmx384m} -jar "$ROOT/$service/target/quarkus-app/quarkus-run.jar" \
    >"run/logs/$service.log" 2>&1 &
  echo $! >"run/$service.pid"
}

await_ready() {
  local service=$1 url="http://127.0.0.1:${PORTS[$1]}/q/health/ready"
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
[suite] all four services are ready
  api-service          http://127.0.0.1:${PORTS[api-service]}   (OpenAPI UI: /q/swagger-ui)
  outbox-worker        http://127.0.0.1:${PORTS[outbox-worker]}   (admin: /admin/outbox, Bearer \$ADMIN_TOKEN)
  projection-worker    http://127.0.0.1:${PORTS[projection-worker]}
  event-ingest-service http://127.0.0.1:${PORTS[event-ingest-service]}
  health: /q/health/ready  metrics: /q/metrics  logs: run/logs/  stop: deploy/local/stop-suite.sh
try:
  curl -s -XPOST localhost:${PORTS[api-service]}/api/waiting-rooms/ER-1/check-ins -H 'Content-Type: application/json' \\
    -d '{"patientId":"P-1","patientName":"Ana","priority":"High","consultationType":"General"}'
  curl -s localhost:${PORTS[projection-worker]}/api/waiting-rooms/ER-1/queue
TXT
