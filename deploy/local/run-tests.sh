#!/usr/bin/env bash
# The one test command (README, .ci/run): provisions local PostgreSQL + RabbitMQ if needed,
# validates deploy/ (k8s, compose, Prometheus rules), builds every module and runs every test suite
# (unit, @QuarkusTest, packaged-app ITs, system tests) against them on the JVM, then builds the four
# native executables and runs the integration tests and system tests again against those
# (deploy/local/native-tests.sh; NATIVE=0 skips that phase for a quick local run, never in CI).
# Extra arguments go to the JVM phase's Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/lib/mvn-retry.sh
source deploy/local/lib/machine-state.sh
machine_state "start"
bash deploy/local/ensure-infra.sh
bash deploy/local/ensure-browser.sh
bash deploy/validate.sh

started=$(date +%s)
# install, not only verify: the native phase builds each service on its own (-f) against these modules.
mvn_retry install "$@"
echo "run-tests: JVM phase passed in $(( $(date +%s) - started )) s"
machine_state "after the JVM phase"
bash deploy/local/lint-openapi.sh

if [ "${NATIVE:-1}" = 0 ]; then
    echo "run-tests: NATIVE=0, native executables neither built nor tested" >&2
    exit 0
fi
bash deploy/local/native-tests.sh
