#!/usr/bin/env bash
# Tools besides Python: the durable broker's object store (s3rver, npm; `make demo` and `make up`
# need only this: `install-tools.sh broker`), and for the test suite Debian's prometheus and
# chromium, the NL GOV API Design Rules linter (spectral, npm) an OpenID provider (oidc-provider, npm) and
# the accessibility engine axe-core (npm) with Debian's chromium-driver for the screens' browser tests. Idempotent; run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .tools/node_modules/.bin/s3rver ]; then
  echo "installing s3rver (the embedded broker's object store) into .tools/" >&2
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools s3rver@3.7.1 >/dev/null 2>&1
fi
[ "${1:-all}" = broker ] && exit 0
need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v chromium >/dev/null || need_apt+=(chromium)
# The screens' browser tests drive chromium through Debian's chromedriver (Selenium, marker browser).
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # Debian starts a prometheus service on install; the tests run their own on free ports.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop prometheus >/dev/null 2>&1 || true; fi
  pkill -x prometheus >/dev/null 2>&1 || true
fi
if [ ! -f .tools/node_modules/oidc-provider/package.json ]; then
  # A real OpenID provider for the sign-in tests (tests/oidc/provider.mjs), never a mock.
  echo "installing oidc-provider into .tools/" >&2
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools oidc-provider@9.13.3 >/dev/null 2>&1
fi
if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
  # The accessibility engine the screens' browser tests run in chromium (WCAG 2.1 AA, 0 violations).
  echo "installing axe-core into .tools/" >&2
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools axe-core@4.14.1 >/dev/null 2>&1
fi
if [ ! -x .tools/node_modules/.bin/spectral ]; then
  echo "installing @stoplight/spectral-cli into .tools/" >&2
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools @stoplight/spectral-cli@6.16.3 >/dev/null 2>&1
fi
