#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, the HarfBuzz subsetter for
# WeasyPrint's PDFs, poppler-utils to read PDFs back, and a font. Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
ldconfig -p | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
