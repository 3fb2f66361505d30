#!/usr/bin/env bash
# Test-only tools that do not come from PyPI: axe-core (npm), which the browser journeys inject into
# every page they visit. Installed from the registry at install time, never from a CDN at run time.
# Without npm the journeys' accessibility check is skipped outside CI and fails under CI.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
    echo "note: npm not found; the browser journeys will skip their accessibility check (apt-get install npm)" >&2
    exit 0
fi
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
