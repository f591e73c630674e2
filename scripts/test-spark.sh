#!/usr/bin/env bash
# Runs contrib/spark/paylint_spark.py for real with spark-submit on local[2] and compares its
# findings with a single-process run, byte for byte:
#
#     scripts/test-spark.sh            # PAYLINT=path/to/paylint to skip `cargo build --release`
#
# Installs pyspark (pinned) from PyPI into target/spark-venv (PAYLINT_SPARK_VENV to move it);
# needs Java 17. Generates a stream of 4,000 lines (scripts/gen-ndjson.py: valid and faulty
# exchange objects and bare bodies, blank lines, CRLF, byte order marks, invalid UTF-8), splits it
# into at least 4 partitions, and checks that:
# - the job's findings are the single-process findings (`paylint - --format jsonl --stdin-name`),
#   stably sorted by line, and load with the job's SCHEMA into a DataFrame, every row whole;
# - on a folder of 4 files, packed several splits to a partition, each file's findings are those
#   of one run on that file, named by the file's URI;
# - a file of blank lines passes (the job runs paylint with --allow-empty), and a paylint.toml in
#   the executors' scratch folder applies only when named (the job passes --isolated otherwise);
# - paylint exiting 2 (a bad flag) fails the job, and so does a missing binary (no --files).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pyspark_version=3.5.8
venv="${PAYLINT_SPARK_VENV:-$repo/target/spark-venv}"
if ! "$venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyspark==$pyspark_version"
fi
java -version 2>&1 | head -1
export PATH="$venv/bin:$PATH" PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
if [ -z "${PAYLINT:-}" ]; then
  (cd "$repo" && cargo build --release --quiet)
  PAYLINT="$repo/target/release/paylint"
fi
PAYLINT="$(cd "$(dirname "$PAYLINT")" && pwd)/$(basename "$PAYLINT")"
job="$repo/contrib/spark/paylint_spark.py"

cd "$work"
python3 "$repo/scripts/gen-ndjson.py" 4000 > captures.ndjson
status=0
"$PAYLINT" - --format jsonl --stdin-name captures.ndjson < captures.ndjson > expected.jsonl || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: the single-process run exited $status, not 1"; exit 1; }
size=$(stat -c %s captures.ndjson)
split=$(((size + 3) / 4))   # bytes per partition: at least 4 partitions

submit() {
  spark-submit --master 'local[2]' --conf spark.ui.showConsoleProgress=false \
    --conf spark.sql.files.maxPartitionBytes="$split" "$@"
}

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

start=$SECONDS
if submit --files "$PAYLINT" "$job" captures.ndjson out --name captures.ndjson > job.log 2>&1; then
  ok "the job ran ($((SECONDS - start)) s): $(grep '^paylint_spark.py:' job.log)"
else
  fail "the job failed"; tail -40 job.log
fi
cat out/part-* > spark.jsonl 2>/dev/null || true

# compare EXPECTED GOT FILE=NAME...: the findings, stably sorted by file and line (a line's
# findings keep paylint's order), byte for byte. paylint numbers an undecodable (or overlong) line
# of a stream as payload 0 wherever it is; the job numbers it as the payload it is. Those findings
# are compared with the payload their line has (counted here: lines not blank to paylint).
compare() {
  python3 - "$@" <<'EOF'
import json, re, sys
expected, got = (open(p, "rb").read() for p in sys.argv[1:3])
index = {}
for arg in sys.argv[3:]:
    path, name = arg.split("=", 1)
    n = 0
    for number, line in enumerate(open(path, "rb").read().split(b"\n"), 1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip(b" \t\r\x0c"):
            index[(name, number)] = n
            n += 1
def lines(data, fix=None):
    out = []
    for raw in data.splitlines(keepends=True):
        d = json.loads(raw)
        at = index[(d["file"], d["line"])]
        if fix is not None and d["payload"] == 0 and at != 0:
            fix.append(d["line"])
            raw = re.sub(rb'"payload":0\}\n$', b'"payload":%d}\n' % at, raw)
        out.append(((d["file"], d["line"]), raw))
    out.sort(key=lambda t: t[0])
    return b"".join(raw for _, raw in out)
fixed = []
e, g = lines(expected, fixed), lines(got)
print(f"{len(e.splitlines())} findings expected, {len(g.splitlines())} from Spark, "
      f"{len(fixed)} of them on undecodable lines")
if e != g:
    el, gl = e.splitlines(), g.splitlines()
    at = next((i for i, (a, b) in enumerate(zip(el, gl)) if a != b), min(len(el), len(gl)))
    print("first difference at finding", at + 1)
    print("  expected:", el[at] if at < len(el) else "(none)")
    print("  spark:   ", gl[at] if at < len(gl) else "(none)")
    sys.exit(1)
EOF
}

if result=$(compare expected.jsonl spark.jsonl captures.ndjson=captures.ndjson); then
  ok "the job's findings are the single-process findings, byte for byte: $result"
else
  fail "the job's findings differ from the single-process findings"; echo "$result"
fi
partitions=$(grep -o 'in [0-9]* partitions' job.log | grep -o '[0-9]*' || echo 0)
if [ "$partitions" -ge 4 ]; then
  ok "$partitions partitions, so line and payload offsets were used"
else
  fail "only $partitions partitions: the offsets were not exercised"
fi

# Several files in one folder, several splits to a partition (no open cost), named by their URI.
mkdir multi
python3 - captures.ndjson multi <<'EOF'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
cuts = [0, 2200, 3300, 3800, 4000]  # 55 %, 28 %, 12 %, 5 % of the lines
for name, a, b in zip(["a.ndjson", "b c.ndjson", "d.jsonl", "e.ndjson"], cuts, cuts[1:]):
    open(f"{sys.argv[2]}/{name}", "wb").write(b"\n".join(lines[a:b]) + b"\n")
EOF
: > multi-expected.jsonl
pairs=()
for f in multi/*; do
  uri="file://$work/$f"
  "$PAYLINT" - --format jsonl --stdin-name "$uri" < "$f" >> multi-expected.jsonl || true
  pairs+=("$f=$uri")
done
start=$SECONDS
if submit --conf spark.sql.files.openCostInBytes=0 --files "$PAYLINT" "$job" multi multi-out > multi.log 2>&1 &&
  cat multi-out/part-* > multi.jsonl && result=$(compare multi-expected.jsonl multi.jsonl "${pairs[@]}"); then
  ok "4 files, $(grep -o '[0-9]* splits in [0-9]* partitions' multi.log), each file's findings as one run's ($((SECONDS - start)) s): $result"
  if ! [[ "$(cat multi.log)" =~ ([0-9]+)\ splits\ in\ ([0-9]+)\ partitions ]] ||
    [ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ]; then
    fail "no partition held several splits: the packing was not exercised"
  fi
else
  fail "4 files: the job's findings differ from one run per file"; echo "${result:-}"; tail -20 multi.log
fi

if python3 - "$job" out expected.jsonl > load.log 2>&1 <<'EOF'
import importlib.util, json, sys
sys.dont_write_bytecode = True  # no __pycache__ in contrib/spark
spec = importlib.util.spec_from_file_location("paylint_spark", sys.argv[1])
job = importlib.util.module_from_spec(spec)
spec.loader.exec_module(job)
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[1]").config("spark.ui.showConsoleProgress", "false").getOrCreate()
rows = spark.read.schema(job.SCHEMA).option("mode", "FAILFAST").json(sys.argv[2]).collect()
want = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8")]
assert [f.name for f in job.SCHEMA] == list(want[0]), "SCHEMA's fields are not paylint's, in order"
assert len(rows) == len(want), (len(rows), len(want))
key = lambda d: (d["line"], d["column"], d["rule"], d["pointer"], d["message"])
got = sorted((r.asDict() for r in rows), key=key)
want = sorted(want, key=key)
for g, w in zip(got, want):
    w["payload"] = g["payload"]  # compared above
    assert g == w, (g, w)
print(f"loaded {len(rows)} findings, every field typed")
spark.stop()
EOF
then
  ok "spark.read.schema(SCHEMA).json(OUTPUT): $(tail -1 load.log)"
else
  fail "the findings do not load with SCHEMA"; tail -20 load.log
fi

# A split of blank lines only (no payload: paylint would exit 2 without --allow-empty), and a
# paylint.toml in the executors' scratch folder that turns a rule off: read only when named.
mkdir blanks
python3 -c 'import sys; sys.stdout.write("\n" * 20000)' > blanks/blank.ndjson
head -400 captures.ndjson > blanks/some.ndjson
printf '[rules]\nunknown-field = "off"\n' > paylint.toml
uri="file://$work/blanks/some.ndjson"
"$PAYLINT" - --format jsonl --isolated --stdin-name "$uri" < blanks/some.ndjson > blanks-expected.jsonl || true
(cd blanks && "$PAYLINT" - --format jsonl --config ../paylint.toml --stdin-name "$uri" < some.ndjson > ../blanks-config.jsonl) || true
cmp -s blanks-expected.jsonl blanks-config.jsonl && fail "the paylint.toml changes nothing: is this test still telling anything?"
if submit --files "$PAYLINT,paylint.toml" "$job" blanks blanks-out > blanks.log 2>&1 &&
  cat blanks-out/part-* > blanks.jsonl &&
  result=$(compare blanks-expected.jsonl blanks.jsonl "blanks/some.ndjson=$uri"); then
  ok "a file of blank lines passes (--allow-empty) and a shipped paylint.toml is not read unnamed (--isolated): $result"
else
  fail "blank lines or an unnamed paylint.toml: the job failed or its findings differ"; echo "${result:-}"; tail -20 blanks.log
fi
if submit --files "$PAYLINT,paylint.toml" "$job" blanks/some.ndjson config-out --name "$uri" -- --config paylint.toml > config.log 2>&1 &&
  cat config-out/part-* > config.jsonl && result=$(compare blanks-config.jsonl config.jsonl "blanks/some.ndjson=$uri"); then
  ok "a shipped paylint.toml named with -- --config paylint.toml applies: $result"
else
  fail "-- --config paylint.toml: the job failed or its findings differ"; echo "${result:-}"; tail -20 config.log
fi

if submit --files "$PAYLINT" "$job" captures.ndjson bad-flag -- --no-such-flag > bad-flag.log 2>&1; then
  fail "the job succeeded although paylint exited 2 on a bad flag"
elif grep -q "paylint exited with status 2" bad-flag.log && grep -q "no-such-flag" bad-flag.log; then
  ok "a bad paylint flag fails the job, with paylint's message"
else
  fail "the job failed on a bad flag, without paylint's message"; tail -40 bad-flag.log
fi

if submit "$job" captures.ndjson no-binary > no-binary.log 2>&1; then
  fail "the job succeeded without a paylint binary"
elif grep -q "paylint not found" no-binary.log; then
  ok "a missing paylint binary (no --files) fails the job"
else
  fail "the job failed without a binary, but did not say so"; tail -40 no-binary.log
fi

echo "spark: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
