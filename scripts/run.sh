#!/usr/bin/env bash
# The main job: installs what is needed, builds, and runs Symphony.
# Today the binary offers the CRDT engine's `symphony doc` commands; `symphony serve` (the
# realtime server with embedded SQLite and the demo whiteboard) is the next milestone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
if build/symphony serve --help >/dev/null 2>&1; then
  exec build/symphony serve "$@"
fi
build/symphony --help
