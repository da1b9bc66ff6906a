#!/usr/bin/env bash
# Re-records the golden trace (NAME.trace.gz) and transcript (NAME.transcript) of every library
# scenario, or of the ones named, and says for each changed trace where it parts from the old one
# (`ksim diff`), so the commit that re-records shows why. A scenario whose expectations fail is
# not recorded.
# usage: record.sh KSIM [NAME...]   (or: cmake --build build/default --target golden-traces)
set -euo pipefail
ksim=$1
shift
golden=$(cd "$(dirname "$0")" && pwd)
if (($# > 0)); then
  names=("$@")
else
  mapfile -t names < <("$ksim" list | awk '{print $1}')
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for name in "${names[@]}"; do
  if ! "$ksim" run "$name" --trace "$work/$name.trace.gz" > "$work/$name.transcript"; then
    echo "$name: its expectations do not hold; not recorded (ksim run $name)" >&2
    failed=1
    continue
  fi
  if [[ ! -f "$golden/$name.trace.gz" ]]; then
    echo "$name: recorded (new)"
  elif "$ksim" diff "$golden/$name.trace.gz" "$work/$name.trace.gz" > "$work/$name.diff" 2>&1; then
    echo "$name: unchanged"
  else
    echo "$name: changed:"
    sed 's/^/    /' "$work/$name.diff"
    diff -u "$golden/$name.transcript" "$work/$name.transcript" | sed 's/^/    /' || true
  fi
  mv "$work/$name.trace.gz" "$work/$name.transcript" "$golden/"
done
exit $failed
