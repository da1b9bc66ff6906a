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

# kafkajs and its pure-JS codecs, pinned by tests/interop/package-lock.json, for the interop
# test (decodes our .log files with an independent implementation). `npm ci` runs again whenever
# the lockfile differs from the one the installed node_modules came from.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
interop="$root/tests/interop"
if ! cmp -s "$interop/package-lock.json" "$interop/node_modules/.ksim-installed-lock.json"; then
  echo "setup: installing kafkajs for the interop test"
  (cd "$interop" && npm ci --no-audit --no-fund --silent)
  cp "$interop/package-lock.json" "$interop/node_modules/.ksim-installed-lock.json"
else
  echo "setup: kafkajs present"
fi
