#!/usr/bin/env python3
"""Benchmark: the first cycle (every page new) of newswatch and of urlwatch, interleaved.

The first cycle is the one where a new watcher stores everything, so it is where newswatch
(which delta-encodes and deflates every page and article, and syncs each slice) pays most.
Starts scripts/news_site_simulator.py, renders every page once (so no tool pays for that),
then runs `--repeat` rounds; each round times, on a fresh store or cache each: newswatch
check, urlwatch 2.29 with html2text and with a `css: article` filter. Prints every run and
each tool's median (wall and user+sys CPU from /usr/bin/time).

    swift build -c release --product newswatch-core && swift build -c release --product newswatch
    python3 scripts/bench_first_cycle.py --pages 1000 --repeat 3
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_check import ROOT, install_urlwatch, render_all, timed, write_urlwatch_jobs, write_watchlist  # noqa: E402

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--newswatch", default=os.path.join(ROOT, ".build/release/newswatch"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="newswatch-first-")
    sim = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/news_site_simulator.py"), "--pages", str(args.pages)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    base = "http://127.0.0.1:%d" % int(sim.stdout.readline())
    urls = ["%s/news/%d.html" % (base, i) for i in range(args.pages)]
    runs = {}
    try:
        render_all(urls)
        urlwatch, config = install_urlwatch(work)
        watchlist = os.path.join(work, "w.yaml")
        write_watchlist(watchlist, urls)
        jobs = {flt: write_urlwatch_jobs(work, urls, flt) for flt in ("html2text", "css:article")}
        for round_number in range(args.repeat):
            store = os.path.join(work, "store-%d" % round_number)
            tools = [("newswatch", [args.newswatch, "check", "--all", "--watchlists", watchlist, "--store", store])]
            for flt in ("html2text", "css:article"):
                cache = os.path.join(work, "cache-%s-%d.db" % (flt.replace(":", "-"), round_number))
                tools.append(("urlwatch " + flt, [urlwatch, "--urls", jobs[flt], "--config", config, "--cache", cache]))
            for label, command in tools:
                result = timed(command)
                if result["status"] not in (0, 1):
                    sys.exit("%s failed: %s" % (label, result["stderr"][-2000:]))
                runs.setdefault(label, []).append(result)
                print("round %d  %-22s %6.2f s wall %6.2f s CPU %5.0f MB" % (round_number + 1, label, result["wall"], result["cpu"], result["rss_mb"]), flush=True)
    finally:
        sim.stdin.close()
        sim.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("first cycle of %d new pages, median of %d (range):" % (args.pages, args.repeat))
    for label, results in runs.items():
        walls = [r["wall"] for r in results]
        cpus = [r["cpu"] for r in results]
        print("  %-22s %6.2f s wall (%.2f-%.2f)  %6.2f s CPU" % (label, statistics.median(walls), min(walls), max(walls), statistics.median(cpus)))

if __name__ == "__main__":
    main()
