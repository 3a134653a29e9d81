#!/usr/bin/env bash
# Lints the four services' OpenAPI documents with Redocly CLI's `recommended` ruleset (pinned in
# deploy/local/openapi-lint/package.json + package-lock.json): the documents the build wrote
# (<service>/target/openapi/openapi.yaml, quarkus.smallrye-openapi.store-schema-directory) and
# event-ingest-service's static META-INF/openapi.yaml. Fails on any error; prints the warnings count.
# Run after `mvn package`/`install` (deploy/local/run-tests.sh calls it after its JVM phase).
set -euo pipefail
cd "$(dirname "$0")/../.."
lint_dir=deploy/local/openapi-lint

documents=(
    api-service/target/openapi/openapi.yaml
    outbox-worker/target/openapi/openapi.yaml
    projection-worker/target/openapi/openapi.yaml
    event-ingest-service/src/main/resources/META-INF/openapi.yaml
)
for document in "${documents[@]}"; do
    if [ ! -f "$document" ]; then
        echo "lint-openapi: $document missing: build the services first (mvn package)" >&2
        exit 1
    fi
done

# npm ci only when the lock file changed since the last install; --prefer-offline reuses npm's cache.
stamp="$lint_dir/node_modules/.lock-installed"
if [ ! -f "$stamp" ] || ! cmp -s "$lint_dir/package-lock.json" "$stamp"; then
    (cd "$lint_dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
    cp "$lint_dir/package-lock.json" "$stamp"
fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
"$lint_dir/node_modules/.bin/redocly" lint --config "$lint_dir/redocly.yaml" --format=stylish \
    "${documents[@]}" >"$report" 2>&1 || status=$?
# Node 20 end-of-life banner of this Redocly release: noise in CI logs.
grep -v '[║═╔╗╚╝]' "$report" | cat -s
errors=$(grep -cE '^\s*[0-9]+:[0-9]+\s+error\b' "$report" || true)
warnings=$(grep -cE '^\s*[0-9]+:[0-9]+\s+warning\b' "$report" || true)
echo "lint-openapi: ${#documents[@]} documents, $errors error(s), $warnings warning(s) (Redocly recommended)"
exit "$status"
