#!/usr/bin/env bash
# The one test command (README, .ci/run): provisions local PostgreSQL + RabbitMQ if needed,
# then builds every module and runs every test suite against them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/ensure-infra.sh
exec mvn -B -ntp ${MVN_ARGS:-} verify "$@"
