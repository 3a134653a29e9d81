#!/usr/bin/env bash
# Mints a bearer token of this machine's local issuer (local-issuer.sh), which the suite started by
# start-suite.sh trusts. bash + openssl only.
#
#   deploy/local/token.sh ROLE [SUBJECT] [TTL_SECONDS]
#   curl -H "Authorization: Bearer $(deploy/local/token.sh receptionist)" ...
#
# ROLE: receptionist, cashier, doctor, viewer, admin, log-writer or log-reader. SUBJECT defaults to
# <ROLE>-local, TTL_SECONDS to 28800 (8 h). Prints only the token: an RS256 JWT (kid "local") with
# iss (the local issuer), aud (AUTH_AUDIENCE, default waiting-room), sub, groups [ROLE], iat, exp, jti.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local-issuer.sh"

ROLES=(receptionist cashier doctor viewer admin log-writer log-reader)
usage() {
  echo "usage: $0 ROLE [SUBJECT] [TTL_SECONDS]" >&2
  echo "  ROLE: ${ROLES[*]}" >&2
  exit 2
}

[ $# -ge 1 ] && [ $# -le 3 ] || usage
role=$1
known=0
for r in "${ROLES[@]}"; do [ "$r" = "$role" ] && known=1; done
if [ "$known" = 0 ]; then
  echo "token.sh: unknown role '$role'; the roles are: ${ROLES[*]}" >&2
  exit 2
fi
subject=${2:-$role-local}
ttl=${3:-28800}
if ! [[ $ttl =~ ^[1-9][0-9]{0,7}$ ]]; then
  echo "token.sh: TTL_SECONDS must be a positive whole number of seconds, not '$ttl'" >&2
  exit 2
fi
if [ -z "$subject" ] || [[ $subject =~ [[:cntrl:]] ]]; then
  echo "token.sh: SUBJECT must be non-empty printable text" >&2
  exit 2
fi
if [ ! -r "$LOCAL_ISSUER_PRIVATE_KEY" ]; then
  echo "token.sh: no local issuer key at $LOCAL_ISSUER_PRIVATE_KEY;" \
       "start the suite (bash deploy/local/start-suite.sh) or create it with bash deploy/local/local-issuer.sh" >&2
  exit 1
fi

json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

printf -v now '%(%s)T' -1
header='{"alg":"RS256","typ":"JWT","kid":"local"}'
claims="{\"iss\":$(json_string "$LOCAL_ISSUER_URL"),\"aud\":$(json_string "${AUTH_AUDIENCE:-waiting-room}")"
claims+=",\"sub\":$(json_string "$subject"),\"groups\":[$(json_string "$role")]"
claims+=",\"iat\":$now,\"exp\":$((now + ttl)),\"jti\":\"$(openssl rand -hex 16)\"}"

signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$claims" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -binary -sign "$LOCAL_ISSUER_PRIVATE_KEY" | b64url)
printf '%s.%s\n' "$signing_input" "$signature"
