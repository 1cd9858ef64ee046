#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently:
#   - Chromium from Debian (only when missing; needs root or sudo),
#   - the Playwright driver that playwright-go expects (playwright-core from
#     npm, pinned), into a git-ignored cache, wired as
#     $PLAYWRIGHT_DRIVER_PATH/{node,package},
#   - axe-core (npm, pinned) next to it, which the accessibility journey
#     injects into each page: .cache/axe/axe.min.js.
# Nothing is downloaded from anywhere but Debian and npm.
set -euo pipefail

PW_VERSION=1.52.0
AXE_VERSION=4.10.3
root=$(cd "$(dirname "$0")/.." && pwd)
driver="$root/.cache/playwright-driver"
axe="$root/.cache/axe"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "e2e-setup: need root to run: $*" >&2; exit 1; fi
}

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/lib/chromium/chromium ]; then
  echo "e2e-setup: installing Chromium from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "e2e-setup: installing Node.js from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

if [ ! -f "$driver/package/cli.js" ] || ! grep -q "\"version\": \"$PW_VERSION\"" "$driver/package/package.json" 2>/dev/null; then
  echo "e2e-setup: installing playwright-core@$PW_VERSION (the Playwright driver) from npm"
  rm -rf "$driver"
  mkdir -p "$driver/npm"
  (cd "$driver/npm" && npm install --silent --no-audit --no-fund --ignore-scripts --prefix . "playwright-core@$PW_VERSION" >/dev/null)
  ln -sfn "$driver/npm/node_modules/playwright-core" "$driver/package"
fi
ln -sfn "$(command -v node)" "$driver/node"

if [ ! -f "$axe/axe.min.js" ] || ! grep -q "\"version\": \"$AXE_VERSION\"" "$axe/npm/node_modules/axe-core/package.json" 2>/dev/null; then
  echo "e2e-setup: installing axe-core@$AXE_VERSION from npm"
  rm -rf "$axe"
  mkdir -p "$axe/npm"
  (cd "$axe/npm" && npm install --silent --no-audit --no-fund --ignore-scripts --prefix . "axe-core@$AXE_VERSION" >/dev/null)
  ln -sfn "$axe/npm/node_modules/axe-core/axe.min.js" "$axe/axe.min.js"
fi
echo "e2e-setup: ready (driver $driver, axe $axe/axe.min.js, browser $(command -v chromium || echo /usr/lib/chromium/chromium))"
