#!/bin/sh
# Refresh the runtime assets under static/vendor/ from npm (fonts served locally; no CDN; the
# map's world outline). Needs node and npm; `make run` does not: the copied files are committed.
#   sh tools/frontend/update.sh            install the versions in package-lock.json and copy
#   sh tools/frontend/update.sh --latest   update within package.json's ranges first
set -eu
cd "$(dirname "$0")"
if [ "${1:-}" = "--latest" ]; then npm update --no-audit --no-fund; else npm ci --no-audit --no-fund; fi
node copy-assets.mjs
node world-outline.mjs
