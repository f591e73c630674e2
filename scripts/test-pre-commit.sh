#!/usr/bin/env bash
# Runs paylint as a pre-commit hook for real: installs pre-commit from PyPI, makes a throwaway git
# repository with a good and a bad payload, and runs the hook from this checkout with
# `pre-commit try-repo`. The hook must pass on the good file and fail on the bad one, and pass on
# a staged Markdown page without examples (no payload: the hook passes --allow-empty).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
venv="${PAYLINT_PRECOMMIT_VENV:-$repo/target/pre-commit-venv}"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pre-commit
fi
export PRE_COMMIT_HOME="$work/cache"
cd "$work"
git init -q captures && cd captures
git config user.email ci@example.invalid && git config user.name ci
cp "$repo/corpus/valid/update-request.json" good.json
cp "$repo/corpus/invalid/unknown-field-groupID.json" bad.json
printf '# Notes\n\nNo request examples here.\n' > notes.md
git add good.json bad.json notes.md
passed=0 failed=0
if "$venv/bin/pre-commit" try-repo "$repo" paylint --files good.json > good.log 2>&1; then
  passed=$((passed + 1)); echo "ok: the hook passes on a good payload"
else
  failed=$((failed + 1)); echo "FAIL: the hook failed on a good payload"; cat good.log
fi
if "$venv/bin/pre-commit" try-repo "$repo" paylint --files bad.json > bad.log 2>&1; then
  failed=$((failed + 1)); echo "FAIL: the hook passed on a bad payload"; cat bad.log
elif grep -q "unknown-field" bad.log; then
  passed=$((passed + 1)); echo "ok: the hook fails on a bad payload and names the rule"
else
  failed=$((failed + 1)); echo "FAIL: the hook failed without a paylint finding"; cat bad.log
fi
if "$venv/bin/pre-commit" try-repo "$repo" paylint --files notes.md > notes.log 2>&1; then
  passed=$((passed + 1)); echo "ok: the hook passes on a page without payloads"
else
  failed=$((failed + 1)); echo "FAIL: the hook failed on a page without payloads"; cat notes.log
fi
echo "pre-commit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
