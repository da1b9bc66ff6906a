#!/usr/bin/env bash
# Newcomer command 2: install what ksim needs, then build and run every test twice: in the
# everyday build (unit, sim, golden, interop, fuzz, cli, gui, bench smoke runs) and under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash cmake/setup-debian.sh
start=$(date +%s)
cmake --workflow --preset default
cmake --workflow --preset asan
echo "setup-and-test: all tests passed in both builds ($(( $(date +%s) - start ))s)"
