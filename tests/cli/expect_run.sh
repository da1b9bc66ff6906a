#!/usr/bin/env bash
# expect_run.sh EXIT_CODE PATTERN -- COMMAND...
# Runs COMMAND, fails unless it exits with EXIT_CODE and its output (stdout+stderr) matches the
# extended regular expression PATTERN. Prints what it got when it fails.
set -u
expected_code=$1
pattern=$2
shift 3
output=$("$@" 2>&1)
code=$?
if [[ $code -ne $expected_code ]]; then
  printf 'expected exit code %s, got %s from: %s\n--- output ---\n%s\n' "$expected_code" "$code" "$*" "$output"
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$output"; then
  printf 'output of %s does not match /%s/\n--- output ---\n%s\n' "$*" "$pattern" "$output"
  exit 1
fi
echo "ok: $* -> exit $code, matches /$pattern/"
