#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry (development only; commit the result).
# At run time nothing is downloaded: municipal networks (LGWAN) are closed.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS_VERSION=1.1.9
HTMX_VERSION=2.0.11
JSQR_VERSION=1.4.0
VENDOR=madoguchi/ui/static/madoguchi/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@digital-go-jp/design-tokens@$TOKENS_VERSION" "htmx.org@$HTMX_VERSION" "jsqr@$JSQR_VERSION" >/dev/null)
mkdir -p "$work/tokens" "$work/htmx" "$work/jsqr"
tar xzf "$work"/digital-go-jp-design-tokens-*.tgz -C "$work/tokens"
tar xzf "$work"/htmx.org-*.tgz -C "$work/htmx"
tar xzf "$work"/jsqr-*.tgz -C "$work/jsqr"
install -m 644 "$work/tokens/package/dist/tokens.css" "$VENDOR/design-tokens/tokens.css"
install -m 644 "$work/tokens/package/LICENSE" "$VENDOR/design-tokens/LICENSE"
install -m 644 "$work/htmx/package/dist/htmx.min.js" "$VENDOR/htmx/htmx.min.js"
install -m 644 "$work/htmx/package/LICENSE" "$VENDOR/htmx/LICENSE"
install -m 644 "$work/jsqr/package/dist/jsQR.js" "$VENDOR/jsqr/jsQR.js"
install -m 644 "$work/jsqr/package/LICENSE" "$VENDOR/jsqr/LICENSE"
echo "vendored @digital-go-jp/design-tokens $TOKENS_VERSION htmx.org $HTMX_VERSION and jsqr $JSQR_VERSION; update $VENDOR/README.md"
