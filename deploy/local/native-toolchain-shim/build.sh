#!/usr/bin/env bash
# Prints the Maven argument that links jvm_container.c into a native image when $GRAALVM_HOME's
# libjvm.a lacks those symbols (the ../shared toolchain), and nothing for a real Mandrel/GraalVM.
# Usage: mvn -Pnative verify -f SERVICE/pom.xml $(bash deploy/local/native-toolchain-shim/build.sh)
set -euo pipefail
: "${GRAALVM_HOME:?set GRAALVM_HOME}"
here=$(cd "$(dirname "$0")" && pwd)
libjvm=$(compgen -G "$GRAALVM_HOME/lib/svm/clibraries/linux-amd64*/libjvm.a" | head -1 || true)
[ -n "$libjvm" ] || exit 0
# read once (grep -q on a pipe could SIGPIPE nm and, under pipefail, read as "missing")
symbols=$(nm "$libjvm" 2>/dev/null || true)
if grep -q ' T JVM_IsContainerized$' <<<"$symbols" || grep -q ' T JVM_IsUseContainerSupport$' <<<"$symbols"; then
    exit 0 # the builder defines them (a real Mandrel/GraalVM): nothing to link
fi
out="$here/../../../target/native-toolchain-shim"
mkdir -p "$out"
gcc -c -O2 -fPIC -o "$out/jvm_container.o" "$here/jvm_container.c"
echo "-Dquarkus.native.additional-build-args-append=-H:NativeLinkerOption=$(cd "$out" && pwd)/jvm_container.o"
