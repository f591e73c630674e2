#!/usr/bin/env bash
# Runs the README's two GNU parallel recipes ("Past one machine") as written there and compares
# their findings with a single-process run:
#
#     scripts/test-parallel.sh         # PAYLINT=path/to/paylint to skip `cargo build --release`
#
# Installs GNU parallel with apt-get if it is missing. The recipes are taken from README.md by
# their comment lines, so the README cannot drift from what is tested; only N (lines per chunk)
# is set smaller. Checks that:
# - over files (a tree of 360 captures, names with spaces and quotes): the findings are those of
#   `paylint --format jsonl captures`, each file's in paylint's order; the README's old recipe
#   (`-X` with `{};`) loses findings; a bad flag makes parallel fail;
# - over one stream (`--pipe -N`): the findings, in stream order, are those of
#   `paylint - --format jsonl --stdin-name` but for `payload` (counted within each chunk, as the
#   README says), including a chunk that starts on a line holding only a byte order mark; with
#   `--block` parallel prints nothing on stderr, without it it warns; a bad flag makes it fail;
#   a chunk of blank lines passes with the recipe's --allow-empty and fails without it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! command -v parallel >/dev/null; then
  apt-get install -y -qq parallel >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq parallel >/dev/null; }
fi
parallel --version | head -1
if [ -z "${PAYLINT:-}" ]; then
  (cd "$repo" && cargo build --release --quiet)
  PAYLINT="$repo/target/release/paylint"
fi
mkdir "$work/bin"
ln -s "$(cd "$(dirname "$PAYLINT")" && pwd)/$(basename "$PAYLINT")" "$work/bin/paylint"
export PATH="$work/bin:$PATH"

# A recipe: the README's sh lines from its comment line to the next blank line or fence.
recipe() {
  awk -v head="$1" '
    index($0, head) == 1 { on = 1; next }
    on && (/^$/ || /^```/) { exit }
    on { print }' "$repo/README.md"
}
files_recipe="$(recipe '# GNU parallel over files')"
pipe_recipe="$(recipe '# GNU parallel: chunks of N lines of one stream')"
[ -n "$files_recipe" ] && [ -n "$pipe_recipe" ] || { echo "FAIL: the recipes are not in README.md"; exit 1; }

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
# Findings stably sorted by file: each file's findings keep paylint's order.
by_file() {
  python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().splitlines(keepends=True)
lines.sort(key=lambda l: json.loads(l)["file"])
sys.stdout.buffer.write(b"".join(lines))' "$1"
}
no_payload() { sed 's/,"payload":[0-9]*}$/}/' "$1"; }
single() { # paylint ARGS... > OUT, exit 1 expected (findings)
  local status=0
  paylint "$@" || status=$?
  [ "$status" -eq 1 ] || { echo "FAIL: the single-process run exited $status, not 1" >&2; exit 1; }
}

cd "$work"
python3 "$repo/scripts/gen-ndjson.py" 4000 > stream.ndjson

# Over files: 360 captures from the stream's lines, one in ten an NDJSON file of ten lines.
python3 - <<'EOF'
import os
lines = open("stream.ndjson", "rb").read().split(b"\n")
for i in range(360):
    folder = "captures/a" if i % 2 else "captures/b c"
    os.makedirs(folder, exist_ok=True)
    if i % 10 == 0:
        name, data = f"stream {i}.ndjson", b"\n".join(lines[4000 - 10 * i - 10 : 4000 - 10 * i]) + b"\n"
    else:
        name, data = (f"cap'{i}.json" if i % 7 == 0 else f"cap{i}.json"), lines[i]
    open(os.path.join(folder, name), "wb").write(data)
EOF
single --format jsonl captures > files-expected.jsonl
start=$SECONDS
if bash -c "$files_recipe" 2> files.err && [ -s findings.jsonl ]; then
  if cmp -s <(by_file findings.jsonl) <(by_file files-expected.jsonl); then
    ok "over files: $(wc -l < findings.jsonl) findings, those of one run, byte for byte ($((SECONDS - start)) s)"
  else
    fail "over files: $(wc -l < findings.jsonl) findings, $(wc -l < files-expected.jsonl) expected"
  fi
else
  fail "over files: the recipe failed"; cat files.err
fi
old="find captures -type f -print0 | parallel -0 -X -j 8 'paylint --format jsonl {}; [ \$? -le 1 ]' > old.jsonl"
bash -c "$old" 2> old.err || true
if [ "$(wc -l < old.jsonl)" -lt "$(wc -l < files-expected.jsonl)" ] && grep -q 'cap' old.err; then
  ok "over files: the old recipe (-X, {};) ran captures as commands: $(wc -l < old.jsonl) of $(wc -l < files-expected.jsonl) findings"
else
  fail "over files: the old recipe did not lose findings; is this test still telling anything?"
fi
if bash -c "${files_recipe/--format jsonl/--format jsonl --no-such-flag}" 2> /dev/null; then
  fail "over files: parallel succeeded although paylint exited 2"
else
  ok "over files: a bad flag (paylint exits 2) fails parallel"
fi

# Over one stream, in chunks of N lines. With N=500 two chunks of this stream start on a line
# holding only a byte order mark (lines 501 and 3001).
single - --format jsonl --stdin-name captures.ndjson < stream.ndjson > stream-expected.jsonl
cp stream.ndjson captures.ndjson
boms=$(python3 -c '
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
print(sum(1 for i in range(500, len(lines), 500) if lines[i].startswith(b"\xef\xbb\xbf") and not lines[i][3:].strip()))' captures.ndjson)
run_pipe() { # N RECIPE: runs it on captures.ndjson
  bash -c "${2/export N=200000/export N=$1}"
}
start=$SECONDS
if run_pipe 500 "$pipe_recipe" 2> pipe.err; then
  if cmp -s <(no_payload findings.jsonl) <(no_payload stream-expected.jsonl); then
    ok "over a stream: 8 chunks, $(wc -l < findings.jsonl) findings in stream order, those of one run but for payload ($((SECONDS - start)) s; $boms chunks start on a byte order mark)"
  else
    fail "over a stream: the findings differ from one run's"
    diff <(no_payload findings.jsonl) <(no_payload stream-expected.jsonl) | head -5
  fi
else
  fail "over a stream: the recipe failed"; cat pipe.err
fi
[ "$boms" -gt 0 ] || fail "over a stream: no chunk starts on a byte order mark; change N or the stream"
if run_pipe 500 "${pipe_recipe/--format jsonl/--format jsonl --no-such-flag}" 2> /dev/null; then
  fail "over a stream: parallel succeeded although paylint exited 2"
else
  ok "over a stream: a bad flag (paylint exits 2) fails parallel"
fi

# A chunk of blank lines only holds no payload: the recipe's --allow-empty lets it pass, and
# without the flag that chunk's paylint exits 2 and fails parallel. The lines are empty, in runs
# that cross chunk boundaries: plain `--pipe -N` folds an empty line into the record after it
# (chunks of 2, 3 and 1 lines for `1 2 _ _ 5 6`), which the recipe's `--regexp --recend` stops.
python3 - <<'EOF'
lines = open("stream.ndjson", "rb").read().split(b"\n")
open("captures.ndjson", "wb").write(b"\n".join(lines[:498] + [b""] * 504 + lines[500:1000]) + b"\n")
EOF
single - --format jsonl --stdin-name captures.ndjson < captures.ndjson > blank-expected.jsonl
if run_pipe 500 "$pipe_recipe" 2> blank.err && cmp -s <(no_payload findings.jsonl) <(no_payload blank-expected.jsonl); then
  ok "over a stream: a chunk of 500 empty lines, in a run of 504 across three chunks, passes (--allow-empty), the findings and lines those of one run"
else
  fail "over a stream: a chunk of blank lines failed the recipe"; head -5 blank.err
fi
if run_pipe 500 "${pipe_recipe/ --allow-empty/}" 2> /dev/null > /dev/null; then
  fail "over a stream: without --allow-empty the blank chunk passed; is this test still telling anything?"
else
  ok "over a stream: without --allow-empty the blank chunk (exit 2) fails parallel"
fi

# Chunks larger than parallel's default 1 MiB block: 40,000 lines in chunks of 10,000 (~1.3 MB).
python3 "$repo/scripts/gen-ndjson.py" 40000 > captures.ndjson
single - --format jsonl --stdin-name captures.ndjson < captures.ndjson > big-expected.jsonl
start=$SECONDS
if run_pipe 10000 "$pipe_recipe" 2> block.err && [ ! -s block.err ] &&
  cmp -s <(no_payload findings.jsonl) <(no_payload big-expected.jsonl); then
  ok "over a stream: 4 chunks of 1.3 MB with --block 64M: the same findings, stderr empty ($((SECONDS - start)) s)"
else
  fail "over a stream: large chunks with --block"; head -5 block.err
fi
run_pipe 10000 "${pipe_recipe/--block 64M /}" 2> noblock.err > /dev/null || true
if grep -q 'longer than' noblock.err; then
  ok "over a stream: without --block parallel warns: $(head -1 noblock.err)"
else
  fail "over a stream: no warning without --block; is --block still needed?"
fi

echo "parallel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
