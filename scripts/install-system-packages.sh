#!/usr/bin/env bash
# Debian packages the tests and tools need: Chromium (browser tests), PostgreSQL
# (store tests), LibreOffice + poppler (open/convert documents) with python3-uno
# (the warm PDF converters drive LibreOffice from the system python3), Redis
# (the job queue's tests), fonts the
# templates name (Arial -> Liberation Sans), pngquant for the docs' pictures.
# Installs only what is missing.
set -euo pipefail
packages=(chromium chromium-driver postgresql libreoffice-writer-nogui python3-uno
          redis-server poppler-utils pngquant fonts-liberation2 fonts-crosextra-carlito)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "System packages: all present."
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
