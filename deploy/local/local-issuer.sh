#!/usr/bin/env bash
# The local token issuer of this machine: an RSA key pair created once under
#   ${WAITING_ROOM_STATE:-${XDG_STATE_HOME:-~/.local/state}/waiting-room}/issuer/
# (private.pem 0600, public.pem), used by start-suite.sh (the services verify tokens with public.pem)
# and token.sh (signs them with private.pem). Nothing of it is in the repository.
#
#   bash deploy/local/local-issuer.sh            # creates the key pair if missing, prints the exports
#   eval "$(bash deploy/local/local-issuer.sh)"   # then run a service by hand (java -jar, quarkus:dev)
#
# Sourced, it only defines the variables and ensure_local_issuer.
LOCAL_ISSUER_URL=https://local-issuer.waiting-room.invalid
LOCAL_ISSUER_DIR=${WAITING_ROOM_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/waiting-room}/issuer
LOCAL_ISSUER_PRIVATE_KEY=$LOCAL_ISSUER_DIR/private.pem
LOCAL_ISSUER_PUBLIC_KEY=$LOCAL_ISSUER_DIR/public.pem

ensure_local_issuer() {
  [ -s "$LOCAL_ISSUER_PRIVATE_KEY" ] && [ -s "$LOCAL_ISSUER_PUBLIC_KEY" ] && return 0
  command -v openssl >/dev/null || { echo "local issuer: openssl is required" >&2; return 1; }
  (
    set -e
    umask 077
    mkdir -p "$LOCAL_ISSUER_DIR"
    chmod 700 "$LOCAL_ISSUER_DIR"
    # One creator at a time (two suites started at once), and written beside the target then
    # renamed, so nobody reads half a key.
    exec 9>"$LOCAL_ISSUER_DIR/.lock"
    flock 9
    [ -s "$LOCAL_ISSUER_PRIVATE_KEY" ] && [ -s "$LOCAL_ISSUER_PUBLIC_KEY" ] && exit 0
    tmp=$(mktemp -d "$LOCAL_ISSUER_DIR/.new.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/private.pem" 2>/dev/null
    openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem"
    chmod 600 "$tmp/private.pem"
    chmod 644 "$tmp/public.pem"   # containers (docker compose) read it as another user
    mv -f "$tmp/public.pem" "$LOCAL_ISSUER_PUBLIC_KEY"
    mv -f "$tmp/private.pem" "$LOCAL_ISSUER_PRIVATE_KEY"
    echo "[issuer] created the local issuer key pair in $LOCAL_ISSUER_DIR" >&2
  ) || { echo "local issuer: could not create the key pair in $LOCAL_ISSUER_DIR" >&2; return 1; }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_local_issuer
  cat <<EXPORTS
export AUTH_ISSUER=$LOCAL_ISSUER_URL
export AUTH_JWKS_URL=file:$LOCAL_ISSUER_PUBLIC_KEY
export AUTH_AUDIENCE=${AUTH_AUDIENCE:-waiting-room}
EXPORTS
fi
