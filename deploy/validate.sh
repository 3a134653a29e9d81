#!/usr/bin/env bash
# Static checks of everything under deploy/ (run by deploy/local/run-tests.sh, hence by CI):
# Prometheus config + alert rules (promtool check/test), the local issuer and token.sh (tokens
# verified with openssl), Kubernetes overlays rendered with kustomize and validated against the
# Kubernetes schema plus our policies (validate/validate.mjs), docker-compose.yml, Dockerfiles and
# the Grafana dashboard. Installs promtool/node deps when missing.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
command -v node >/dev/null || apt_install nodejs npm
command -v kubectl >/dev/null || apt_install kubectl || apt_install kubernetes-client

echo "[deploy] promtool"
promtool check config prometheus/prometheus.yml
promtool check config prometheus/prometheus-local.yml
promtool test rules prometheus/alerts-test.yml

echo "[deploy] local issuer and token.sh (throw-away key pair)"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
b64url_decode() { local s=${1//-/+}; s=${s//_//}; while (( ${#s} % 4 )); do s+="="; done; printf '%s' "$s" | openssl base64 -d -A; }
WAITING_ROOM_STATE=$state bash local/local-issuer.sh >/dev/null 2>&1
[ "$(stat -c %a "$state/issuer/private.pem")" = 600 ] || { echo "private.pem must be mode 600" >&2; exit 1; }
for role in receptionist cashier doctor viewer admin log-writer log-reader; do
  token=$(WAITING_ROOM_STATE=$state bash local/token.sh "$role")
  IFS=. read -r header payload signature <<<"$token"
  b64url_decode "$signature" >"$state/signature"
  printf '%s.%s' "$header" "$payload" \
    | openssl dgst -sha256 -verify "$state/issuer/public.pem" -signature "$state/signature" >/dev/null \
    || { echo "token.sh $role: signature does not verify with public.pem" >&2; exit 1; }
  [ "$(b64url_decode "$header")" = '{"alg":"RS256","typ":"JWT","kid":"local"}' ] || { echo "token.sh: bad header" >&2; exit 1; }
  claims=$(b64url_decode "$payload")
  for expected in '"iss":"https://local-issuer.waiting-room.invalid"' '"aud":"waiting-room"' "\"sub\":\"$role-local\"" \
                  "\"groups\":[\"$role\"]" '"iat":' '"exp":' '"jti":'; do
    [[ $claims == *"$expected"* ]] || { echo "token.sh $role: claims lack $expected: $claims" >&2; exit 1; }
  done
done
if WAITING_ROOM_STATE=$state bash local/token.sh nurse >/dev/null 2>&1; then echo "token.sh accepted an unknown role" >&2; exit 1; fi
echo "7 roles: RS256 tokens verify with the local issuer's public key; unknown roles refused"

echo "[deploy] Kubernetes manifests, compose, Dockerfiles"
(cd validate && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node validate.mjs)
