#!/usr/bin/env bash
# The main job: installs what is needed, builds, and runs Symphony.
# Runs `symphony serve` (embedded SQLite in ./data, the demo whiteboard at http://127.0.0.1:8080/);
# extra arguments go to `symphony serve` (see `build/symphony serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
if [[ -f examples/whiteboard/package.json ]]; then
  npm run --silent --workspace examples/whiteboard build >/dev/null
fi
if build/symphony serve --help >/dev/null 2>&1; then
  exec build/symphony serve "$@"
fi
build/symphony --help
