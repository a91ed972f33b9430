#!/usr/bin/env python3
"""Benchmark: `newswatch check` over 10,000 watches when none is due (the cron case).

Writes a 10,000-watch watchlist and a store whose state says every watch was just checked,
then times `check` three ways: the first run after the watchlist changed (parses it and
reads every watch's state), and the next runs (unchanged watchlist: the schedule hint).

    swift build -c release --product newswatch-core && swift build -c release --product newswatch && python3 scripts/bench_due.py
"""
import json, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/newswatch")
work = tempfile.mkdtemp(prefix="newswatch-due-")
try:
    n = 10000
    with open(os.path.join(work, "w.yaml"), "w") as f:
        f.write("defaults: { every: 1h }\nwatches:\n")
        for i in range(n):
            f.write("  - name: story-%d\n    url: https://news%d.example.org/story/%d\n" % (i, i % 50, i))
    os.makedirs(os.path.join(work, "store"))
    now = time.time()
    with open(os.path.join(work, "store", "state.json"), "w") as f:
        json.dump({"story-%d" % i: {"consecutiveFailures": 0, "lastChecked": now, "nextDue": now + 3600} for i in range(n)}, f)
    cmd = [binary, "check", "--watchlists", os.path.join(work, "w.yaml"), "--store", os.path.join(work, "store")]
    times = []
    for run in range(4):
        start = time.time()
        out = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.time() - start)
        assert out.returncode == 0 and out.stdout == "", out
    print("10,000 watches, none due: first check %.3f s (watchlist changed: parsed, states read); then %s s" %
          (times[0], ", ".join("%.3f" % t for t in times[1:])))
finally:
    shutil.rmtree(work, ignore_errors=True)
