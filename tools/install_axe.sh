#!/usr/bin/env bash
# Install axe-core (the accessibility rules engine the browser test injects into each page) from
# the npm registry into tools/node/ (git-ignored). Pinned; idempotent: does nothing when the
# pinned version is already there. Used by `make browser` (and so by `make test`).
set -euo pipefail
AXE_VERSION="4.14.1"
cd "$(dirname "$0")/.."
DEST="tools/node"
PKG="$DEST/node_modules/axe-core/package.json"
have=""
[ -f "$PKG" ] && have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PKG" | head -n1)
if [ "$have" = "$AXE_VERSION" ] && [ -s "$DEST/node_modules/axe-core/axe.min.js" ]; then
  echo "axe-core $AXE_VERSION already installed in $DEST"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm is needed to install axe-core for the browser test (apt-get install npm)" >&2; exit 1; }
echo "Installing axe-core $AXE_VERSION from the npm registry into $DEST ..."
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name": "evidence-book-test-tools", "private": true}' > "$DEST/package.json"
npm install --prefix "$DEST" --save-exact --no-audit --no-fund --ignore-scripts --loglevel=error "axe-core@$AXE_VERSION" 2>&1 \
  | grep -v 'Unknown user config' || true
test -s "$DEST/node_modules/axe-core/axe.min.js" || { echo "axe-core install failed" >&2; exit 1; }
echo "axe-core $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PKG" | head -n1) installed in $DEST"
