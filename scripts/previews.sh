#!/usr/bin/env bash
# Regenerate docs/previews/<kind>.<language>.png (the first page of each of the six
# built-in documents) and <kind>.<language>.signatures.png (the page they are
# signed on, when that is another page), rendered from tests/full_examples through
# the real pipeline and laid out by LibreOffice (scripts/review.py). Only the PNGs
# are kept; the .docx and .pdf files go to a temporary folder.
#
#   bash scripts/previews.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
bash scripts/setup.sh

# pngquant (installed above) cuts each picture to 16 colours: ~35 KB, not 130 KB.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
.venv/bin/python scripts/review.py --dpi 90 --today 2026-01-05 \
  --out "$work" tests/full_examples/*.json
mkdir -p docs/previews
rm -f docs/previews/*.png
shrink() {
  pngquant 16 --speed 1 --strip --force --output "docs/previews/$2" "$1"
}
for pdf in "$work"/*.pdf; do
  stem="$(basename "$pdf" .pdf)"
  pages=("$work/$stem"-*.png)
  mapfile -t pages < <(printf '%s\n' "${pages[@]}" | sort -V)
  shrink "${pages[0]}" "$stem.png"
  if [ "${#pages[@]}" -gt 1 ]; then
    shrink "${pages[-1]}" "$stem.signatures.png"
  fi
done
ls -l docs/previews/*.png
du -ch docs/previews/*.png | tail -n 1
