#!/usr/bin/env bash
# Fuzzes paylint's readers and the whole check of one file with cargo-fuzz (libFuzzer):
#
#     scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 60 seconds for each of every target
#
# Each target is first seeded with the files of corpus/ it reads (by extension), then run for
# SECONDS, one after the other. Prints for each target how long it ran and how many inputs it
# tried; exits 1 if any target found a crash, an assertion failure, a timeout (10 s for one
# input) or a leak of memory past 2 GiB. The crashing input is in fuzz/artifacts/TARGET/: replay
# it with `cargo fuzz run TARGET FILE`, then keep it under tests/data/fuzz/TARGET/ (see
# tests/fuzz_regressions.rs). Installs cargo-fuzz if it is missing. The machine's stable
# toolchain is enough: RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the sanitizer flags.
#
# Extra libFuzzer options go in FUZZ_ARGS, e.g. FUZZ_ARGS="-max_len=65536 -jobs=2".
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

secs="${1:-60}"
shift || true
case "$secs" in
  '' | *[!0-9]*)
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
    exit 2
    ;;
esac

export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

# Seeds: the sample captures each target reads. check_file's first byte picks the extension
# (fuzz/src/lib.rs, EXTENSIONS): 0 .json, 1 .http, 2 .md, 3 .har, 4 .ndjson, 5 .request.json.
seed() {
  local target="$1" dir="fuzz/corpus/$1" f
  mkdir -p "$dir"
  local -a patterns
  case "$target" in
    json) patterns=("*.json" "*.har") ;;
    http) patterns=("*.http") ;;
    markdown) patterns=("*.md") ;;
    har) patterns=("*.har") ;;
    ndjson) patterns=("*.ndjson") ;;
    check_file)
      while IFS= read -r -d '' f; do
        local byte
        case "$f" in
          *.request.json) byte='\005' ;;
          *.json) byte='\000' ;;
          *.http) byte='\001' ;;
          *.md) byte='\002' ;;
          *.har) byte='\003' ;;
          *.ndjson) byte='\004' ;;
          *) continue ;;
        esac
        { printf "$byte"; cat "$f"; } >"$dir/seed-$(basename "$f")"
      done < <(find corpus -type f -print0)
      return
      ;;
    *) return ;;
  esac
  for p in "${patterns[@]}"; do
    find corpus -type f -name "$p" -exec cp {} "$dir/" \;
  done
}

mkdir -p fuzz/logs
echo "fuzz: building the targets (log: fuzz/logs/build.log)"
if ! (cd fuzz && cargo fuzz build) >fuzz/logs/build.log 2>&1; then
  tail -n 40 fuzz/logs/build.log
  exit 1
fi

failed=()
summary=()
for t in "${targets[@]}"; do
  seed "$t"
  log="$repo/fuzz/logs/$t.log"
  echo "fuzz: $t for ${secs}s (log: fuzz/logs/$t.log)"
  start=$(date +%s)
  status=0
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
  (cd fuzz && cargo fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    ${FUZZ_ARGS:-}) >"$log" 2>&1 || status=$?
  # libFuzzer's own count of seconds when it finished; else the wall clock (a crash).
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  took=${took:-$(($(date +%s) - start))}
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  line="$t: ${took}s, ${execs:-?} execs (${rate:-?}/s)"
  if [ "$status" -ne 0 ]; then
    line="$line: FAILED (exit $status)"
    failed+=("$t")
    grep -E '^(==[0-9]+==ERROR|thread .* panicked|SUMMARY|ALARM)|Test unit written to|^artifact_prefix' "$log" | head -n 8 || true
    tail -n 30 "$log"
  fi
  echo "fuzz: $line"
  summary+=("$line")
done

echo
echo "fuzz summary (${secs}s each):"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
