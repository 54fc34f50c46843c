#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently.
# Debian packages via apt-get; npm packages via `npm ci` from the committed lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev zlib1g-dev
  libboost1.81-dev libsqlite3-dev sqlite3 libspdlog-dev libtomlplusplus-dev nlohmann-json3-dev libjwt-dev
  chromium fonts-dejavu-core
  nodejs npm
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from outside Debian on some machines: accept any working node/npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci when node_modules was not installed from this exact lock file.
if [[ -f package-lock.json ]]; then
  stamp=node_modules/.symphony-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
fi
