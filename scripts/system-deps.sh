#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing: WeasyPrint's Pango and
# fonts; with the argument `test`, also poppler-utils (pdftotext/pdftoppm) and Chromium, which
# only the tests use (they look at the email, the PDF and the archive page).
set -euo pipefail
missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz.so' || missing+=(libharfbuzz0b)
if [ "${1:-}" = "test" ]; then
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v chromium >/dev/null || missing+=(chromium)
fi
fc-list 2>/dev/null | grep -qi 'dejavu' || missing+=(fonts-dejavu-core)
command -v fc-list >/dev/null || missing+=(fontconfig)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
