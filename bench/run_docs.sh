#!/usr/bin/env bash
# Time paylint on a folder of Markdown API docs, side by side with the physical-limit baseline.
#
#   bench/run_docs.sh DOCS_DIR METADATA [--runs 5] [--results DIR]
#   bench/run_docs.sh DOCS_DIR METADATA --one PAGE.md [--runs 200]   # one page, many runs
#
# Environment:
#   PAYLINT_NEW   paylint command; the folder (or page) is appended as its last argument
#                 (default: target/release/paylint --metadata METADATA --format json)
#   PAYLINT_OLD   an older paylint command to time too (same convention; unset = no row)
#   TOOLS_DIR     where the baseline is built on first use (default /tmp/paylint-bench-tools)
#   DOCS_BASELINE a prebuilt bench/docs-baseline binary (skips the build)
#   HYPERFINE=0   --one uses the Python core even when hyperfine is installed
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
[ $# -ge 2 ] || { sed -n '2,14p' "$0"; exit 2; }
DOCS="$(cd "$1" && pwd)"; METADATA="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2
RUNS=""; ONE=""; RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2;;
    --one) ONE="$2"; shift 2;;
    --results) RESULTS="$2"; shift 2;;
    *) echo "run_docs: unknown option $1" >&2; exit 2;;
  esac
done
log() { echo "run_docs: $*" >&2; }
RESULTS="${RESULTS:-/tmp/paylint-bench-results/docs-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$RESULTS"

# ---- the baseline: built from ./docs-baseline into $TOOLS_DIR (outside the repo) on first use
TOOLS_DIR="${TOOLS_DIR:-/tmp/paylint-bench-tools}"
BL="${DOCS_BASELINE:-$TOOLS_DIR/docs-baseline-target/release/docs-baseline}"
if [ ! -x "$BL" ]; then
  log "building the baseline into $TOOLS_DIR/docs-baseline-target"
  (cd "$HERE/docs-baseline" && cargo build --release --locked -q --target-dir "$TOOLS_DIR/docs-baseline-target") >&2
fi

# ---- what to time: the folder, or one page (relative to DOCS_DIR unless it exists as given)
if [ -n "$ONE" ]; then
  [ -f "$ONE" ] || ONE="$DOCS/$ONE"
  [ -f "$ONE" ] || { log "no such page: $ONE"; exit 2; }
  TARGET="$(cd "$(dirname "$ONE")" && pwd)/$(basename "$ONE")"; ARG="$(basename "$ONE")"
  RUNS="${RUNS:-200}"
else
  TARGET="$DOCS"; ARG="."; RUNS="${RUNS:-5}"
fi

# a command's program, made absolute (relative to $2), then the rest of the words
absprog() {
  local prog rest; read -r prog rest <<<"$1"
  case "$prog" in /*) ;; */*) prog="$2/$prog";; esac
  printf '%s%s' "$prog" "${rest:+ $rest}"
}
NEW="$(absprog "${PAYLINT_NEW:-target/release/paylint --metadata $(printf %q "$METADATA") --format json}" \
  "$([ -n "${PAYLINT_NEW:-}" ] && pwd || echo "$REPO")")"
OLD="${PAYLINT_OLD:+$(absprog "$PAYLINT_OLD" "$PWD")}"

TOOLS="$RESULTS/tools.tsv"; : > "$TOOLS"
add() { printf '%s\t%s\n' "$1" "$2" >> "$TOOLS"; }
Q="$(printf %q "$BL")"; A="$(printf %q "$ARG")"
[ -z "$ONE" ] && add read-only-1t "$Q --threads 1 --read-only $A"
add baseline-1t "$Q --threads 1 $A"
[ -z "$ONE" ] && add baseline-2t "$Q --threads 2 $A"
if [ -x "${NEW%% *}" ]; then add paylint-new "$NEW $A"; else log "no ${NEW%% *} (cargo build --release): paylint-new skipped"; fi
[ -n "$OLD" ] && add paylint-old "$OLD $A"

v="pulldown-cmark $(awk '/^name = "pulldown-cmark"/{getline; print $3}' "$HERE/docs-baseline/Cargo.lock" | tr -d '"')"
log "baseline: walk + read + $v parse; raw outputs in $RESULTS"
if [ -n "$ONE" ] && [ "${HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null; then
  args=()
  while IFS=$'\t' read -r name cmd; do args+=(-n "$name" "$cmd"); done < "$TOOLS"
  cd "$(dirname "$TARGET")"
  hyperfine -N --runs "$RUNS" --warmup 10 -i --output=pipe --export-json "$RESULTS/one.json" "${args[@]}" >&2
  echo; echo "$TARGET: $RUNS runs each (hyperfine -N, one command after the other), hot cache"; echo
  python3 - "$RESULTS/one.json" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
print("| command | median ms | min-max ms | mean ms | x %s |\n|---|---|---|---|---|" % rs[0]["command"])
for r in rs:
    print("| %s | %.1f | %.1f-%.1f | %.1f | %.1f |" % (r["command"], r["median"] * 1e3, r["min"] * 1e3,
          r["max"] * 1e3, r["mean"] * 1e3, r["median"] / rs[0]["median"]))
PY
  echo; echo "Commands (cwd $(dirname "$TARGET")):"
  while IFS=$'\t' read -r name cmd; do echo "- $name: \`$cmd\`"; done < "$TOOLS"
else
  ratio=baseline-2t; [ -n "$ONE" ] && ratio=baseline-1t
  python3 "$HERE/timing.py" --tools "$TOOLS" --target "$TARGET" --runs "$RUNS" --results "$RESULTS" --ratio-to "$ratio"
fi
