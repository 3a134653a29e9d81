#!/usr/bin/env bash
# The one test command (README, .ci/run): provisions local PostgreSQL + RabbitMQ if needed,
# validates deploy/ (k8s, compose, Prometheus rules), then builds every module and runs every
# test suite (unit, @QuarkusTest, packaged-app ITs, system tests) against them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/ensure-infra.sh
bash deploy/validate.sh

# A download from Maven Central that stalls fails after 60 s (.mvn/maven.config) instead of hanging
# for Maven's default 30 min; such a network failure (not a test failure) gets the build rerun.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for attempt in 1 2 3; do
    status=0
    mvn -B -ntp ${MVN_ARGS:-} verify "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
    if [ "$status" -eq 0 ]; then
        exit 0
    fi
    if ! grep -qE 'Could not (transfer|resolve|download)|Failed to read artifact descriptor|Read timed out|Connection reset' "$log"; then
        exit "$status"
    fi
    echo "run-tests: downloading from Maven Central failed (attempt $attempt of 3); retrying" >&2
done
exit "$status"
