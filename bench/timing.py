#!/usr/bin/env python3
"""Timing core of run_docs.sh (usable alone).

    python3 timing.py --tools TOOLS.tsv --target DIR_OR_FILE [--runs 5] [--results DIR]
                      [--ratio-to NAME]

TOOLS.tsv: one command a line, `name<TAB>shell command`; each runs with `bash -c` in the target's
folder, stdout and stderr to files in --results. First one untimed `cat` of every *.md file of the
target (all figures are hot-cache), then rounds interleaved: round 1 runs every command once, then
round 2, ... Wall time: time.perf_counter around the child. Peak RSS: /usr/bin/time -v "Maximum
resident set size" when present, else os.wait4's ru_maxrss (the largest process of the tree).
CPU s: user+sys of the tree (os.wait4); less disturbed than wall time by other load.
"""
import argparse, os, re, statistics, subprocess, sys, time

TIME_BIN = "/usr/bin/time"


def md_files(target):
    if os.path.isfile(target):
        return [target]
    return [os.path.join(d, f) for d, _, fs in os.walk(target) for f in fs if f.endswith(".md")]


def run_once(cmd, cwd, out, err):
    argv = ["bash", "-c", cmd]
    tfile = out + ".time"
    use_time = os.access(TIME_BIN, os.X_OK)
    if use_time:
        argv = [TIME_BIN, "-v", "-o", tfile, "--"] + argv
    with open(out, "wb") as o, open(err, "wb") as e:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    rss_kb, rc, cpu = ru.ru_maxrss, os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime
    if use_time and os.path.exists(tfile):
        t = open(tfile).read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
        rss_kb = int(m.group(1)) if m else rss_kb
        m = re.search(r"Exit status: (\d+)", t)
        rc = int(m.group(1)) if m else rc
    return wall, rss_kb, rc, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--results", default=None)
    ap.add_argument("--ratio-to", default="baseline-2t")
    a = ap.parse_args()
    target = os.path.abspath(a.target)
    cwd = target if os.path.isdir(target) else os.path.dirname(target)
    files = md_files(target)
    nbytes = sum(os.path.getsize(f) for f in files)
    results = a.results or os.path.join("/tmp/paylint-bench-results", "docs-" + time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(results, exist_ok=True)
    tools = []
    for line in open(a.tools):
        if line.strip() and not line.startswith("#"):
            name, cmd = line.rstrip("\n").split("\t", 1)
            tools.append({"name": name, "cmd": cmd, "runs": []})

    # warm-up: read every page once, untimed, so that every command sees a hot page cache
    subprocess.run(["xargs", "-0", "cat"], input="\0".join(files).encode(), stdout=subprocess.DEVNULL, check=True)
    load0 = os.getloadavg()[0]
    for r in range(a.runs):
        for t in tools:
            base = os.path.join(results, t["name"])
            t["runs"].append(run_once(t["cmd"], cwd, base + ".out", base + ".err"))
            w, rss, rc, _ = t["runs"][-1]
            print("  %-14s run %d: %8.4f s  rss %7.1f MiB  rc %d" % (t["name"], r + 1, w, rss / 1024, rc), file=sys.stderr)
    load1 = os.getloadavg()[0]

    med = {t["name"]: statistics.median(x[0] for x in t["runs"]) for t in tools}
    ref = med.get(a.ratio_to)
    print("\n%s: %d pages, %.1f MB; median of %d interleaved runs, hot cache, %d cores, loadavg %.2f -> %.2f\n" % (
        a.target, len(files), nbytes / 1e6, a.runs, os.cpu_count() or 1, load0, load1))
    print("| command | median s | min-max s | files/s | MB/s | CPU s | peak RSS MiB | exit | x %s |" % a.ratio_to)
    print("|---|---|---|---|---|---|---|---|---|")
    for t in tools:
        walls = [x[0] for x in t["runs"]]
        m = med[t["name"]]
        rcs = "/".join(str(c) for c in sorted({x[2] for x in t["runs"]}))
        print("| %s | %.4f | %.4f-%.4f | %.0f | %.1f | %.3f | %.1f | %s | %s |" % (
            t["name"], m, min(walls), max(walls), len(files) / m, nbytes / 1e6 / m,
            statistics.median(x[3] for x in t["runs"]),
            statistics.median(x[1] for x in t["runs"]) / 1024, rcs, "%.2f" % (m / ref) if ref else ""))
    print("\nCommands (cwd %s):" % cwd)
    for t in tools:
        print("- %s: `%s`" % (t["name"], t["cmd"]))
    print("\nOutputs of the last round: %s" % results, file=sys.stderr)


if __name__ == "__main__":
    main()
