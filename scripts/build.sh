#!/usr/bin/env bash
# Configures and builds one flavour of the project.
#   scripts/build.sh release   -> build/         (what README's run command uses)
#   scripts/build.sh asan      -> build-asan/    (AddressSanitizer + UndefinedBehaviorSanitizer)
#   scripts/build.sh fuzz      -> build-fuzz/    (clang, libFuzzer targets)
# Unity build by default (CMakeLists.txt: SYMPHONY_UNITY); UNITY=OFF for one object per file.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
jobs=${JOBS:-$(nproc)}
case "$flavour" in
  release) dir=build; args=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG") ;;
  # Sanitizer builds: -g1 gives line numbers. -Og, not -O1: with ASan+UBSan, GCC takes about
  # twice as long at -O1 on the Asio/Beast code (ws_connection.cc 120 s vs 62 s, most of the
  # flavour's build), and the unit tests that run there take about 20 s at either level.
  asan) dir=build-asan; args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-Og -g1"
                              -DSYMPHONY_SANITIZE=ON) ;;
  # Fuzz targets stay at -O1 (executions per second matter there); -g1 for line numbers.
  fuzz) dir=build-fuzz; args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1"
                              -DSYMPHONY_FUZZ=ON
                              -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: $0 release|asan|fuzz" >&2; exit 2 ;;
esac
# The release build makes everything (the CLI that the end-to-end tests run, the benchmarks); the
# sanitizer flavour only what ctest runs there, the fuzz flavour only the fuzz targets (each with
# just the layers it fuzzes, see CMakeLists.txt). TARGET=all builds everything in any flavour.
case "$flavour" in
  release) target=${TARGET:-all} ;;
  asan) target=${TARGET:-symphony_unit_tests} ;;
  fuzz) target=${TARGET:-symphony_fuzzers} ;;
esac
cmake -S . -B "$dir" -G Ninja "${args[@]}" -DSYMPHONY_UNITY="${UNITY:-ON}" >/dev/null
cmake --build "$dir" -j "$jobs" --target "$target"
