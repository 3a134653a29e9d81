#!/usr/bin/env bash
# Static checks of everything under deploy/ (run by deploy/local/run-tests.sh, hence by CI):
# Prometheus config + alert rules (promtool check/test), Kubernetes overlays rendered with
# kustomize and validated against the Kubernetes schema plus our policies, docker-compose.yml,
# Dockerfiles and the Grafana dashboard. Installs promtool/node deps when missing.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

command -v promtool >/dev/null || apt_install prometheus
command -v node >/dev/null || apt_install nodejs npm
command -v kubectl >/dev/null || apt_install kubectl || apt_install kubernetes-client

echo "[deploy] promtool"
promtool check config prometheus/prometheus.yml
promtool check config prometheus/prometheus-local.yml
promtool test rules prometheus/alerts-test.yml

echo "[deploy] Kubernetes manifests, compose, Dockerfiles"
(cd validate && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node validate.mjs)
