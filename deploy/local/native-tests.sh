#!/usr/bin/env bash
# Native phase of the test command: builds each service's native executable in turn (the image builder
# peaks at ~7.5 GB, so never two at once), runs that module's integration tests against it (the same
# @QuarkusIntegrationTest suites as on the JVM), then the system tests with the four natives together.
# Expects the shared modules installed (run-tests.sh's JVM phase does it).
#
# The builder: $GRAALVM_HOME when it holds bin/native-image; otherwise the toolchain that
# ../shared/native-toolchain/install.sh (NATIVE_TOOLCHAIN_INSTALLER) assembles from Maven Central and
# Debian packages, kept outside the clone in $NATIVE_TOOLCHAIN_DIR (default /opt/native-toolchain) and
# reused by later runs. Assembling it needs root (it writes there and may add a deb-src entry).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/lib/mvn-retry.sh
source deploy/local/lib/machine-state.sh

if [ -z "${GRAALVM_HOME:-}" ] || [ ! -x "$GRAALVM_HOME/bin/native-image" ]; then
    toolchain=${NATIVE_TOOLCHAIN_DIR:-/opt/native-toolchain}
    installer=${NATIVE_TOOLCHAIN_INSTALLER:-../shared/native-toolchain/install.sh}
    if [ -f "$installer" ]; then
        # Idempotent: stages already done are skipped, so a machine that has it pays ~1 s.
        bash "$installer" "$toolchain"
    elif [ ! -x "$toolchain/bin/native-image" ]; then
        echo "native-tests: no GRAALVM_HOME with bin/native-image, no toolchain in $toolchain and no" \
            "installer at $installer (NATIVE_TOOLCHAIN_INSTALLER)" >&2
        exit 1
    fi
    export GRAALVM_HOME=$toolchain
fi
echo "native-tests: GRAALVM_HOME=$GRAALVM_HOME ($("$GRAALVM_HOME/bin/native-image" --version 2>/dev/null | head -1 || true))"
# Empty for a real Mandrel/GraalVM; for the ../shared toolchain, links the two JVM_ symbols its libjvm.a lacks.
toolchain_args=$(bash deploy/local/native-toolchain-shim/build.sh)
[ -z "$toolchain_args" ] || echo "native-tests: toolchain shim: $toolchain_args"

# Kept in a variable, not a temp file: the pipeline subshells below would run an EXIT trap that removed it.
summary=()
report() { echo "native-tests: summary"; printf '  %s\n' "${summary[@]}"; }
for service in api-service outbox-worker projection-worker event-ingest-service; do
    log="$service/target/native-build.log"
    mkdir -p "$service/target"
    rm -f "$service"/target/*-runner # a runner left by an earlier build must not be reported as this one
    started=$(date +%s)
    echo "native-tests: building and testing $service"
    status=0
    mvn_retry -Pnative -DskipUnitTests ${toolchain_args:+"$toolchain_args"} verify -f "$service/pom.xml" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
    elapsed=$(( $(date +%s) - started ))
    # GraalVM's own figure: "Finished generating 'NAME' in 4m 31s." (or "in 59.3s.")
    build=$(grep -oE "Finished generating '[^']+' in [0-9hms. ]+" "$log" | sed -E "s/.* in //; s/[. ]+$//" | tail -1 || true)
    binary=$(compgen -G "$service/target/*-runner" | head -1 || true)
    size=$([ -n "$binary" ] && du -m "$binary" | cut -f1 || echo "?")
    line="$service: image build ${build:-not finished}, binary ${size} MB, build + integration tests ${elapsed} s"
    echo "native-tests: $line"
    summary+=("$line")
    if [ "$status" -ne 0 ]; then
        echo "native-tests: $service failed (log: $log)" >&2
        report
        exit "$status"
    fi
done

machine_state "before the native system tests"
started=$(date +%s)
echo "native-tests: system tests with the four native executables"
status=0
mvn_retry -Pnative -DskipUnitTests verify -f system-tests/pom.xml || status=$?
summary+=("system tests (natives): $(( $(date +%s) - started )) s$([ "$status" -eq 0 ] || echo ", FAILED")")
summary+=("$(machine_state "after the native system tests")")
report
[ "$status" -eq 0 ] || exit "$status"
echo "native-tests: all passed"
