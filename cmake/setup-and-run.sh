#!/usr/bin/env bash
# Newcomer command 1: install what ksim needs, build it, and run the main job (the default
# classroom scenario: the GUI when a display is present, a terminal transcript otherwise).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash cmake/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default --target ksim
# The default scenario of the library (scenarios/library/quickstart.ksim): in the GUI when there
# is a display to open it on (and this build has the GUI), else its transcript in the terminal.
ksim=build/default/app/ksim
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  # Exit 2: no GUI in this build, or no window could be opened; the terminal takes over.
  status=0
  "$ksim" gui quickstart "$@" || status=$?
  [[ $status -ne 2 ]] && exit "$status"
  echo "(no GUI: the quickstart's transcript instead)" >&2
fi
exec "$ksim" run quickstart "$@"
