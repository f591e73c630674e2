"""paylint as a Spark job: NDJSON captures in, paylint's JSON Lines findings out.

    spark-submit --files /path/to/paylint paylint_spark.py INPUT OUTPUT \
        [--name NAME] [--paylint PATH] [-- PAYLINT_ARGS...]

INPUT is anything Spark's text source reads (a file, a folder, a glob; `s3a://` with hadoop-aws).
OUTPUT is a folder of part files, one finding per line, byte for byte what
`paylint - --format jsonl --stdin-name NAME < FILE` prints for each input file, and loadable as
`spark.read.schema(SCHEMA).json(OUTPUT)`. The findings of one split of a file are in stream order;
the part files follow Spark's partitions (for one input file, stream order), so sort by
`file`, `line` to get stream order across files.

Two passes over the input:
1. count the lines and payloads of each file split (a partition holds one or more splits);
2. pipe each split's raw bytes to `paylint - --format jsonl --stdin-name NAME
   --stdin-first-line K --stdin-first-payload P`, K being the split's first line in its file and
   P the number of payloads before it: paylint reports the file's line and payload numbers.
The input is read twice, so it must not change while the job runs: a split whose line count
changed between the passes fails its task.

NAME is the file's URI as Spark names it (`s3a://bucket/captures/a.ndjson`), or `--name NAME`
when INPUT is one file. paylint is the binary shipped with `--files` (or `--paylint PATH`, a
binary already on every executor); it runs in the folder where `--files` puts its files, with
`--isolated` (no `paylint.toml` of that scratch folder or above is read) unless the paylint args
name one: ship it with `--files` and pass `-- --config paylint.toml`. A split may hold only blank
lines, so paylint runs with `--allow-empty`. Exit status 2 (paylint could not run: a bad flag, a
bad configuration) or a crash fails the task, and so the job; 0 and 1 (findings) do not.
"""

import argparse
import bisect
import itertools
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from urllib.parse import unquote

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

# paylint's JSON Lines diagnostic object (src/render/json.rs, `JsonDiagnostic`): every field is
# always written, `resource` and `direction` as null when unknown. Fields are added, never renamed.
SCHEMA = StructType(
    [
        StructField("rule", StringType(), False),
        StructField("severity", StringType(), False),  # "error" or "warning"
        StructField("message", StringType(), False),
        StructField("file", StringType(), False),
        StructField("line", LongType(), False),  # 1-based line of the file
        StructField("column", LongType(), False),  # 1-based, in characters
        StructField("pointer", StringType(), False),  # JSON Pointer into the payload ("" = root)
        StructField("resource", StringType(), True),
        StructField("direction", StringType(), True),  # "request", "response" or null
        StructField("payload", LongType(), False),  # 0-based index of the payload in the file
    ]
)

# Flags the job sets itself: passing them after `--` would break the line and payload numbers.
RESERVED = (
    "--format",
    "--stdin-name",
    "--stdin-first-line",
    "--stdin-first-payload",
    "--fix",
    "--diff",
    "--shard",
    "--allow-empty",
    "--isolated",
)

# paylint's default `--max-file-size`, which bounds one line of a stream.
DEFAULT_LINE_LIMIT = 67108864

# Bytes paylint takes for blank (Rust's `u8::is_ascii_whitespace`: not \x0b, unlike Python's).
BLANK = b" \t\n\x0c\r"
BOM = b"\xef\xbb\xbf"
# A finding's last field, and its line (`file` is before it and escapes every `"` it holds).
PAYLOAD_TAIL = re.compile(rb',"payload":(\d+)\}\n?$')
LINE = re.compile(rb',"line":(\d+),"column":\d+,"pointer":')


def line_limit(args):
    """The `--max-file-size` paylint will run with (a line longer than that is a payload)."""
    limit = DEFAULT_LINE_LIMIT
    for i, a in enumerate(args):
        if a == "--max-file-size" and i + 1 < len(args):
            limit = int(args[i + 1])
        elif a.startswith("--max-file-size="):
            limit = int(a.split("=", 1)[1])
    return limit


def is_payload(line, stream_start, limit):
    """Whether paylint counts this line (without its `\\n`) as a payload, as src/engine/file.rs
    `stream` does: every line that is not blank (a byte order mark opening the file is not
    content), and every line over the limit."""
    if len(line) + 1 > limit:
        return True
    if stream_start and line.startswith(BOM):
        line = line[3:]
    return len(line.strip(BLANK)) > 0


def segments(rows):
    """A partition's rows, grouped into (file, split start) runs: one run per file split."""
    return itertools.groupby(rows, key=lambda r: (r[0], r[1]))


def count_pass(limit):
    def count(rows):
        for (path, start), group in segments(rows):
            lines = payloads = 0
            for _, _, line in group:
                payloads += is_payload(line, start == 0 and lines == 0, limit)
                lines += 1
            yield (path, start), (lines, payloads)

    return count


def executable(explicit):
    """The paylint binary on this executor."""
    path = explicit or SparkFiles.get("paylint")
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"paylint not found at {path}: ship it with `spark-submit --files /path/to/paylint` "
            "or pass --paylint PATH of a binary present on every executor"
        )
    if not os.access(path, os.X_OK):
        # Some cluster managers localise --files without the execute bit.
        copy = os.path.join(tempfile.mkdtemp(prefix="paylint-"), "paylint")
        shutil.copy(path, copy)
        os.chmod(copy, os.stat(copy).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        path = copy
    return path


def run_paylint(binary, extra, limit, name, first_line, payload_base, count, lines):
    """Pipes one split's lines through paylint; yields its findings with the file's payload
    numbers. RDD.pipe cannot be used: it runs the command with an empty environment (env={}),
    writes str(element), so bytes arrive as their repr `b'...'`, and its checkCode fails on every
    non-zero status, so exit 1 (findings) would fail the task; without checkCode exit 2 (bad flag,
    missing binary) is an empty success. subprocess passes the executor's environment and bytes as
    they are, and we check the status ourselves."""
    cmd = [binary, "-", "--format", "jsonl", "--stdin-name", name]
    cmd += ["--stdin-first-line", str(first_line), "--stdin-first-payload", str(payload_base)]
    # A split of blank lines holds no payload: that is no failure here.
    cmd += ["--allow-empty"]
    # The scratch folder (or one above it) may hold a paylint.toml nobody meant for this job.
    if not any(a == "--config" or a.startswith("--config=") for a in extra):
        cmd += ["--isolated"]
    cmd += extra
    cwd = SparkFiles.getRootDirectory()
    # The split's blank lines (numbers in the file), to check paylint's payload numbers: a
    # finding's payload is the one on its line.
    blanks = []
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=cwd
        )
        failure = []
        fed = [0]

        def feed():
            try:
                for n, (_, _, line) in enumerate(lines, first_line):
                    if not is_payload(line, n == 1, limit):
                        blanks.append(n)  # before paylint can report on a later line
                    fed[0] += 1
                    proc.stdin.write(bytes(line) + b"\n")
            except BrokenPipeError:
                pass  # paylint stopped reading: its exit status says why
            except BaseException as e:  # noqa: BLE001 - reported after paylint exits
                failure.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        for raw in proc.stdout:
            tail = PAYLOAD_TAIL.search(raw)
            line = LINE.search(raw)
            if tail is None or line is None:
                proc.kill()
                raise RuntimeError(f"paylint wrote a line that is not a finding: {raw[:200]!r}")
            n = int(line.group(1))
            local = n - first_line - bisect.bisect_left(blanks, n)
            theirs = int(tail.group(1))
            # A disagreement means this job's idea of a blank line is not paylint's.
            if theirs != local + payload_base:
                proc.kill()
                raise RuntimeError(
                    f"{name} line {n}: paylint says payload {theirs}, the job {local + payload_base}"
                )
            yield raw.rstrip(b"\n")
        status = proc.wait()
        writer.join()
        if failure:
            raise failure[0]
        if status in (0, 1) and fed[0] != count:
            raise RuntimeError(
                f"{name} from line {first_line}: {fed[0]} lines, {count} in the first pass; "
                "the input changed while the job ran"
            )
        if status not in (0, 1):
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace").strip()
            raise RuntimeError(
                f"paylint exited with status {status} on {name} from line {first_line}: "
                f"{' '.join(cmd)}\n{message}"
            )


def lint_pass(binary, extra, limit, names, offsets):
    """names and offsets are broadcast variables: with many files they are large, and a task's
    closure would carry them to every task."""

    def lint(rows):
        path = executable(binary)
        for key, group in segments(rows):
            if key not in offsets.value:
                raise RuntimeError(f"{key[0]}: a split the first pass did not see; input changed?")
            first_line, payload_base, count = offsets.value[key]
            name = names.value[key[0]]
            for finding in run_paylint(
                path, extra, limit, name, first_line, payload_base, count, group
            ):
                yield finding.decode("utf-8")

    return lint


def parse(argv):
    extra = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    p = argparse.ArgumentParser(
        prog="paylint_spark.py", description=__doc__.split("\n\n")[0],
        epilog="Arguments after `--` go to paylint (e.g. -- --resource X --fail-on warning).",
    )
    p.add_argument("input", help="NDJSON file, folder or glob (any Hadoop file system)")
    p.add_argument("output", help="folder to write the findings to (JSON Lines part files)")
    p.add_argument("--name", help="the file name findings carry (INPUT must be one file)")
    p.add_argument("--paylint", help="paylint's path on the executors (default: from --files)")
    args = p.parse_args(argv)
    for a in extra:
        if a.split("=", 1)[0] in RESERVED:
            p.error(f"{a.split('=', 1)[0]} is set by the job; leave it out of the paylint args")
    return args, extra


def main(argv):
    args, extra = parse(argv)
    limit = line_limit(extra)
    spark = SparkSession.builder.appName("paylint").getOrCreate()
    sc = spark.sparkContext
    # The text source keeps each line's bytes as they are (a string column cast to binary is
    # the bytes read, invalid UTF-8 included; sc.textFile and newAPIHadoopFile's Text values are
    # decoded to str with U+FFFD). lineSep "\n": only \n ends a line, so \r stays in it as paylint
    # sees it (the default also splits on a lone \r).
    rows = (
        spark.read.option("lineSep", "\n")
        .text(args.input)
        .select(
            F.input_file_name().alias("file"),
            F.input_file_block_start().alias("start"),
            F.col("value").cast("binary").alias("line"),
        )
        .rdd.map(tuple)
    )

    # Pass 1: lines and payloads of each split, then each split's first line and payload index.
    counts = sorted(rows.mapPartitions(count_pass(limit)).collect())
    offsets, names, at = {}, {}, {}
    for (path, start), (lines, payloads) in counts:
        line, payload = at.get(path, (1, 0))
        offsets[(path, start)] = (line, payload, lines)
        at[path] = (line + lines, payload + payloads)
        names[path] = unquote(path)
    if args.name is not None:
        if len(names) > 1:
            sys.exit(f"paylint_spark.py: --name needs one input file; {args.input} has {len(names)}")
        names = {path: args.name for path in names}

    # Pass 2: each split through paylint.
    offsets, names = sc.broadcast(offsets), sc.broadcast(names)
    findings = rows.mapPartitions(lint_pass(args.paylint, extra, limit, names, offsets))
    findings.saveAsTextFile(args.output)
    total = sum(n for n, _ in at.values()) - len(at)
    print(
        f"paylint_spark.py: {total} lines of {len(at)} files checked, {len(counts)} splits in "
        f"{rows.getNumPartitions()} partitions; findings in {args.output}",
        file=sys.stderr,
    )
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
