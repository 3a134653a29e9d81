#!/usr/bin/env bash
# Native phase of the test command: builds each service's native executable in turn (the image builder
# peaks at ~7.5 GB, so never two at once), runs that module's integration tests against it (the same
# @QuarkusIntegrationTest suites as on the JVM), then the system tests with the four natives together.
# Expects the shared modules installed (run-tests.sh's JVM phase does it).
#
# The builder: $GRAALVM_HOME when it holds bin/native-image; otherwise the toolchain that
# ../shared/native-toolchain/install.sh assembles from Maven Central and Debian packages, kept outside
# the clone in $NATIVE_TOOLCHAIN_DIR (default /opt/native-toolchain) and reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/lib/mvn-retry.sh

if [ -z "${GRAALVM_HOME:-}" ] || [ ! -x "$GRAALVM_HOME/bin/native-image" ]; then
    toolchain=${NATIVE_TOOLCHAIN_DIR:-/opt/native-toolchain}
    installer=../shared/native-toolchain/install.sh
    if [ ! -f "$installer" ]; then
        echo "native-tests: no GRAALVM_HOME with bin/native-image and no $installer to assemble one" >&2
        exit 1
    fi
    # Idempotent: stages already done are skipped, so a machine that has it pays ~1 s.
    bash "$installer" "$toolchain"
    export GRAALVM_HOME=$toolchain
fi
echo "native-tests: GRAALVM_HOME=$GRAALVM_HOME ($("$GRAALVM_HOME/bin/native-image" --version 2>/dev/null | head -1))"

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
for service in api-service outbox-worker projection-worker event-ingest-service; do
    log="$service/target/native-build.log"
    mkdir -p "$service/target"
    started=$(date +%s)
    echo "native-tests: building and testing $service"
    status=0
    mvn_retry -Pnative -DskipUnitTests verify -f "$service/pom.xml" > >(tee "$log") 2>&1 || status=$?
    elapsed=$(( $(date +%s) - started ))
    # GraalVM's own figure: "Finished generating 'NAME' in 4m 31s."
    build=$(grep -oE "Finished generating '[^']+' in [0-9hms ]+" "$log" | sed -E "s/.* in //" | tail -1)
    binary=$(ls "$service"/target/*-runner 2>/dev/null | head -1)
    size=$([ -n "$binary" ] && du -m "$binary" | cut -f1 || echo "?")
    line="$service: image build ${build:-?}, binary ${size} MB, build + integration tests ${elapsed} s"
    echo "native-tests: $line"
    echo "$line" >> "$summary"
    [ "$status" -eq 0 ] || { echo "native-tests: $service failed (log: $log)" >&2; cat "$summary"; exit "$status"; }
done

started=$(date +%s)
echo "native-tests: system tests with the four native executables"
mvn_retry -Pnative -DskipUnitTests verify -f system-tests/pom.xml
echo "system tests (natives): $(( $(date +%s) - started )) s" >> "$summary"
echo "native-tests: all passed"
sed 's/^/  /' "$summary"
