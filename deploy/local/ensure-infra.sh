#!/usr/bin/env bash
# Makes sure the local PostgreSQL and RabbitMQ the suite needs are installed, running and
# provisioned (role, databases). Idempotent: safe to run before every build or start.
# Installs from Debian packages when missing (needs root). Honours PG_* / RABBITMQ_* env vars.
set -euo pipefail

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-waitingroom}
PG_PASSWORD=${PG_PASSWORD:-waitingroom}
RABBITMQ_HOST=${RABBITMQ_HOST:-127.0.0.1}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
# Runtime databases and one per test suite, so suites never see each other's rows.
DATABASES=${DATABASES:-"waitingroom eventingest waitingroom_api_test waitingroom_outbox_test waitingroom_projection_test waitingroom_fidelity_test eventingest_test waitingroom_system_test eventingest_system_test"}

log() { printf '[infra] %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # host port seconds name
  for _ in $(seq 1 "$3"); do port_open "$1" "$2" && return 0; sleep 1; done
  log "$4 did not open $1:$2 within $3 s"; return 1
}

ensure_postgres() {
  if port_open "$PG_HOST" "$PG_PORT"; then
    log "PostgreSQL is up on $PG_HOST:$PG_PORT"
  elif [ "$PG_HOST" != 127.0.0.1 ] && [ "$PG_HOST" != localhost ]; then
    log "PostgreSQL at $PG_HOST:$PG_PORT is not reachable and is not local; start it yourself"; exit 1
  else
    if ! command -v pg_ctlcluster >/dev/null; then
      log "installing PostgreSQL from Debian packages"
      apt_install postgresql postgresql-contrib
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    if ! pg_lsclusters -h | grep -q "^$version main"; then
      as_root pg_createcluster "$version" main
    fi
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_port "$PG_HOST" "$PG_PORT" 60 PostgreSQL
  fi
  provision_postgres
}

psql_admin() {
  # Trust auth (CI machines) first, then the postgres OS user over the socket (fresh Debian).
  if psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"
  else
    as_root runuser -u postgres -- psql -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -Atq "$@"
  fi
}

provision_postgres() {
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
        CREATE ROLE \"$PG_USER\" LOGIN PASSWORD '$PG_PASSWORD';
      END IF;
    END \$\$;"
  for db in $DATABASES; do
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$PG_USER\""
      log "created database $db"
    fi
  done
}

ensure_rabbitmq() {
  if port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; then
    log "RabbitMQ is up on $RABBITMQ_HOST:$RABBITMQ_PORT"
    return
  fi
  if [ "$RABBITMQ_HOST" != 127.0.0.1 ] && [ "$RABBITMQ_HOST" != localhost ]; then
    log "RabbitMQ at $RABBITMQ_HOST:$RABBITMQ_PORT is not reachable and is not local; start it yourself"; exit 1
  fi
  if ! command -v rabbitmq-server >/dev/null; then
    log "installing RabbitMQ from Debian packages"
    apt_install rabbitmq-server
  fi
  log "starting RabbitMQ"
  if as_root rabbitmqctl status >/dev/null 2>&1; then
    as_root rabbitmqctl start_app >/dev/null   # node up, app stopped (e.g. after stop_app)
  else
    as_root rabbitmq-server -detached
  fi
  as_root rabbitmqctl await_startup --timeout 120 >/dev/null 2>&1 || true
  wait_port "$RABBITMQ_HOST" "$RABBITMQ_PORT" 120 RabbitMQ
}

ensure_build_tools() {
  command -v psql >/dev/null || apt_install postgresql-client
  if ! command -v javac >/dev/null || ! javac -version 2>&1 | grep -Eq 'javac (1[7-9]|2[0-9])'; then
    apt_install openjdk-17-jdk-headless
  fi
  command -v mvn >/dev/null || apt_install maven
  # promtool: deploy/validate.sh checks the Prometheus rules with it and system-tests'
  # MetricsExpositionIT lints every service's /q/metrics with it. Debian ships it only in the
  # prometheus package (no separate promtool package), taken without recommends; on a systemd host
  # the package also enables its own prometheus.service (:9090).
  command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
}

ensure_build_tools
ensure_postgres
ensure_rabbitmq
log "ready: PostgreSQL $PG_HOST:$PG_PORT (role $PG_USER), RabbitMQ $RABBITMQ_HOST:$RABBITMQ_PORT"
