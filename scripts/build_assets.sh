#!/usr/bin/env bash
# Build the front-end assets: GOV.UK Frontend styles (with a system font stack) and its JS.
#
#   bash scripts/build_assets.sh
#
# Writes (all git-ignored, rebuilt from package-lock.json):
#   portal/static/portal/css/portal.css           from assets/scss/portal.scss
#   portal/static/portal/govuk/govuk-frontend.min.js (+ .map)
#   portal/static/portal/govuk/images/            favicon and images the CSS refers to
# Run it before `manage.py collectstatic` and before running the portal for the first time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

GOVUK=node_modules/govuk-frontend/dist/govuk
STATIC=portal/static/portal

# Install exactly what package-lock.json says when node_modules is missing or older than it.
# npm records what it installed in node_modules/.package-lock.json.
if [[ ! -x node_modules/.bin/sass || ! -f "$GOVUK/index.scss" \
      || ! -f node_modules/.package-lock.json \
      || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "Installing npm packages (npm ci)..."
  npm ci --no-audit --no-fund
fi

mkdir -p "$STATIC/css" "$STATIC/govuk/images"

echo "Compiling assets/scss/portal.scss -> $STATIC/css/portal.css"
node_modules/.bin/sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  assets/scss/portal.scss "$STATIC/css/portal.css"

# The font must not be GDS Transport (GOV.UK only): fail loudly if a settings change brings it back.
if grep -q "GDS Transport" "$STATIC/css/portal.css"; then
  echo "error: portal.css mentions GDS Transport; check \$govuk-font-family" >&2
  exit 1
fi

echo "Copying GOV.UK Frontend JS and images -> $STATIC/govuk/"
# The source map is copied too: the .min.js names it, and Django's manifest storage
# (collectstatic) fails on a sourceMappingURL that points at a missing file.
cp "$GOVUK/govuk-frontend.min.js" "$GOVUK/govuk-frontend.min.js.map" "$STATIC/govuk/"
# favicon.ico/svg, icons and govuk-crest.svg (the only image the compiled CSS refers to).
cp "$GOVUK"/assets/images/* "$STATIC/govuk/images/"

echo "Built: $(wc -c < "$STATIC/css/portal.css") bytes of CSS, govuk-frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version")"
