#!/usr/bin/env bash
# Writes credentials.env beside this script (gitignored), which the dev overlay's secretGenerator turns
# into the Secret waiting-room-credentials: random passwords from openssl rand, nothing committed.
#   bash deploy/k8s/overlays/dev/generate-secrets.sh [--force]
# An existing file is kept (the cluster's PostgreSQL/RabbitMQ already use its passwords) unless --force.
# To match an existing database or broker, pass the values: PG_PASSWORD=... RABBITMQ_PASSWORD=... bash ...
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/credentials.env"
if [ -e "$out" ] && [ "${1:-}" != --force ]; then
  echo "kept $out (--force writes new values)" >&2
  exit 0
fi
command -v openssl >/dev/null || { echo "generate-secrets.sh: openssl is required" >&2; exit 1; }
umask 077
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<ENV
PG_USER=${PG_USER:-waitingroom}
PG_PASSWORD=${PG_PASSWORD:-$(openssl rand -hex 24)}
RABBITMQ_USER=${RABBITMQ_USER:-waitingroom}
RABBITMQ_PASSWORD=${RABBITMQ_PASSWORD:-$(openssl rand -hex 24)}
ENV
mv -f "$tmp" "$out"
trap - EXIT
echo "wrote $out; give the dev cluster's PostgreSQL and RabbitMQ the same users and passwords" >&2
