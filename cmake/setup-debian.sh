#!/usr/bin/env bash
# Installs every Debian 12 package ksim needs to build, test and run. Idempotent: it asks apt
# only for what is missing, runs `apt-get update` at most once, and downloads nothing from
# anywhere but Debian's archive (and kafkajs from the npm registry, for the interop test).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries
  catch2 libcli11-dev libfmt-dev nlohmann-json3-dev
  zlib1g-dev liblz4-dev libzstd-dev libsnappy-dev
  libboost-graph-dev libbenchmark-dev
  # GUI: Dear ImGui (backends are in libimgui.a), GLFW, SDL2, OpenGL, stb for PNG screenshots
  libimgui-dev libglfw3-dev libsdl2-dev libgl-dev libstb-dev
  # tests: the independent Kafka implementation (kafkajs on Node) and a display for GUI smoke tests
  nodejs npm xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# A machine whose node comes from elsewhere (NodeSource) already has npm inside nodejs.
if command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == npm || "$p" == nodejs ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# kafkajs, pinned, for tests/interop (decodes our .log files with an independent implementation).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ! -f "$root/tests/interop/node_modules/kafkajs/package.json" ]]; then
  echo "setup: installing kafkajs for the interop test"
  (cd "$root/tests/interop" && npm ci --no-audit --no-fund --silent)
fi
