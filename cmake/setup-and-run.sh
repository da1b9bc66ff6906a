#!/usr/bin/env bash
# Newcomer command 1: install what ksim needs, build it, and run the main job (the default
# classroom scenario: the GUI when a display is present, a terminal transcript otherwise).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash cmake/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default --target ksim
# The default scenario of the library (scenarios/library/quickstart.ksim).
exec build/default/app/ksim run quickstart "$@"
