#!/usr/bin/env bash
# What system-tests DisplayPageIT needs to drive the waiting-room screen in a real browser: Debian's
# chromium (headless) and puppeteer-core (pinned in system-tests/browser/package-lock.json; it never
# downloads a browser). Idempotent; run by deploy/local/run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null \
        || { as_root apt-get update -q >/dev/null \
             && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null; }
}

if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
    echo "[browser] installing Debian's chromium (headless screen test)"
    apt_install chromium
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "[browser] installing node and npm"
    apt_install nodejs npm
fi
lock=system-tests/browser/package-lock.json
installed=system-tests/browser/node_modules/.package-lock.json
if [ ! -d system-tests/browser/node_modules/puppeteer-core ] || [ "$lock" -nt "$installed" ]; then
    (cd system-tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "[browser] ready: $(command -v "${CHROMIUM:-chromium}"), puppeteer-core $(node -p "require('./system-tests/browser/node_modules/puppeteer-core/package.json').version")"
