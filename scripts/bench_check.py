#!/usr/bin/env python3
"""Benchmark: two cycles of `newswatch check` and of urlwatch over the same local news site.

Starts scripts/news_site_simulator.py, runs a first cycle of each tool (every page new),
edits 10% of the stories, and times the second cycle: wall time, CPU (user+sys) and peak RSS
from /usr/bin/time, plus how many pages each tool reported as changed against how many were
edited. urlwatch is installed from PyPI into a temporary venv (html2text and css filters).

    swift build -c release --product newswatch-core && swift build -c release --product newswatch
    python3 scripts/bench_check.py --pages 1000 [--latency-ms 50] [--skip-urlwatch]
"""
import argparse, concurrent.futures, os, shutil, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def timed(cmd, cwd=None, env=None):
    out = tempfile.NamedTemporaryFile(delete=False)
    start = time.time()
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", out.name] + cmd, cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.time() - start
    fields = open(out.name).read().strip().splitlines()[-1].split()
    os.unlink(out.name)
    return {"wall": wall, "cpu": float(fields[1]) + float(fields[2]), "rss_mb": int(fields[3]) / 1024,
            "stdout": proc.stdout, "stderr": proc.stderr, "status": proc.returncode}

def render_all(urls):
    """The simulator renders a page on its first request: render them all before any tool is
    timed, so the first tool's first cycle does not pay for it (and share the CPU with it)."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda u: urllib.request.urlopen(u).read(), urls))

def write_watchlist(path, urls):
    with open(path, "w") as f:
        f.write("watches:\n" + "".join("  - { name: story-%d, url: \"%s\" }\n" % (i, u) for i, u in enumerate(urls)))

def install_urlwatch(work):
    """urlwatch 2.29 in a venv under `work`, with a config that reports changes tersely on
    stdout: returns (urlwatch executable, config path)."""
    venv = os.path.join(work, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin/pip"), "install", "-q", "urlwatch==2.29", "html2text", "cssselect", "lxml"], check=True)
    config = os.path.join(work, "urlwatch.yaml")
    with open(config, "w") as f:
        f.write("display: {new: true, error: true, unchanged: false}\nreport:\n  text: {details: false, footer: false, minimal: true}\n"
                "  stdout: {enabled: true, color: false}\n  email: {enabled: false}\n  html: {enabled: false}\n")
    return os.path.join(venv, "bin/urlwatch"), config

def write_urlwatch_jobs(work, urls, flt):
    """urlwatch's jobs file for `urls` with filter `flt`; returns its path."""
    jobs = os.path.join(work, "urls-%s.yaml" % flt.replace(":", "-"))
    with open(jobs, "w") as f:
        f.write("---\n".join("url: \"%s\"\nfilter: %s\n" % (u, flt) for u in urls))
    return jobs

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--newswatch", default=os.path.join(ROOT, ".build/release/newswatch"))
    parser.add_argument("--skip-urlwatch", action="store_true")
    parser.add_argument("--per-host", type=int, default=2, help="newswatch --per-host (urlwatch always uses 10 workers)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="newswatch-bench-")
    sim = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/news_site_simulator.py"), "--pages", str(args.pages),
                            "--latency-ms", str(args.latency_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(sim.stdout.readline())
    base = "http://127.0.0.1:%d" % port
    urls = ["%s/news/%d.html" % (base, i) for i in range(args.pages)]
    render_all(urls)
    results = []
    try:
        # newswatch
        write_watchlist(os.path.join(work, "w.yaml"), urls)
        # Twice: as shipped (a page whose story bytes match the stored version is recognised
        # without parsing) and with --extract-all (every page parsed and extracted).
        edited = []
        for label, extra, store in (("newswatch (automatic extraction)", [], "store"),
                                    ("newswatch --extract-all", ["--extract-all"], "store-full")):
            nw = [args.newswatch, "check", "--all", "--per-host", str(args.per_host), "--watchlists", os.path.join(work, "w.yaml"),
                  "--store", os.path.join(work, store)] + extra
            first = timed(nw)
            edited = urllib.request.urlopen(base + "/edit?fraction=0.1").read().decode().split(",")
            second = timed(nw)
            changed = [l for l in second["stdout"].splitlines() if l.startswith("changed: ")]
            results.append((label, first, second, len(changed)))
        edited_2 = None
        if not args.skip_urlwatch:
            urlwatch, config = install_urlwatch(work)
            for label, flt in (("urlwatch 2.29, html2text", "html2text"), ("urlwatch 2.29, css:article", "css:article")):
                jobs = write_urlwatch_jobs(work, urls, flt)
                cache = os.path.join(work, "cache-%s.db" % flt.replace(":", "-"))
                cmd = [urlwatch, "--urls", jobs, "--config", config, "--cache", cache]
                uw_first = timed(cmd)
                edited_2 = urllib.request.urlopen(base + "/edit?fraction=0.1").read().decode().split(",")
                uw_second = timed(cmd)
                changed_uw = [l for l in uw_second["stdout"].splitlines() if l.startswith("CHANGED")]
                results.append((label, uw_first, uw_second, len(changed_uw)))
    finally:
        sim.stdin.close()
        sim.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("pages: %d, latency: %g ms per request, edited between cycles: %d" % (args.pages, args.latency_ms, len(edited)))
    print("%-34s %10s %10s %10s %10s %12s %12s" % ("tool (second cycle)", "wall s", "CPU s", "peak MB", "changed", "1st wall s", "1st peak MB"))
    for label, first, second, changed in results:
        print("%-34s %10.2f %10.2f %10.0f %10d %12.2f %12.0f" % (label, second["wall"], second["cpu"], second["rss_mb"], changed, first["wall"], first["rss_mb"]))
    if results[0][1]["status"] not in (0, 1):
        print("newswatch failed:", results[0][1]["stderr"][-2000:])

if __name__ == "__main__":
    main()
