#!/usr/bin/env bash
# The one test command (README, .ci/run): provisions local PostgreSQL + RabbitMQ if needed,
# validates deploy/ (k8s, compose, Prometheus rules), then builds every module and runs every
# test suite (unit, @QuarkusTest, packaged-app ITs, system tests) against them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/ensure-infra.sh
bash deploy/validate.sh
mvn -B -ntp ${MVN_ARGS:-} verify "$@"
