#!/usr/bin/env bash
# Checks one library scenario against its golden recording in this directory:
#   1. `ksim run NAME` prints exactly NAME.transcript (the readable story: commands, outputs,
#      leader/ISR/HW changes, expectations, the audit), and every expectation holds;
#   2. `ksim replay NAME.trace.gz` re-runs the recorded scenario event for event.
# A behaviour change fails here with a diff of the transcript and the first divergent event.
# Re-record after an intended change: cmake --build build/default --target golden-traces
# usage: check.sh KSIM NAME WORK_DIR
set -uo pipefail
ksim=$1 name=$2 work=$3
golden=$(cd "$(dirname "$0")" && pwd)
rerecord="re-record with: cmake --build build/default --target golden-traces"
if [[ ! -f "$golden/$name.trace.gz" || ! -f "$golden/$name.transcript" ]]; then
  echo "no golden recording of '$name' in tests/golden; $rerecord" >&2
  exit 1
fi
mkdir -p "$work"
"$ksim" run "$name" > "$work/$name.transcript"
status=$?
if ((status != 0)); then
  cat "$work/$name.transcript"
  echo "ksim run $name exited $status" >&2
  exit 1
fi
if ! diff -u "$golden/$name.transcript" "$work/$name.transcript"; then
  echo "the transcript of '$name' differs from tests/golden/$name.transcript; if intended, $rerecord" >&2
  exit 1
fi
if ! "$ksim" replay "$golden/$name.trace.gz"; then
  echo "tests/golden/$name.trace.gz no longer replays; if intended, $rerecord" >&2
  exit 1
fi
