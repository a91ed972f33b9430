#!/usr/bin/env python3
"""Benchmark: checks per second with 1, 2 and 4 `newswatch worker`s sharing one PostgreSQL store.

Starts a throwaway PostgreSQL cluster (initdb/pg_ctl as the postgres user), one news site
simulator per loopback host (127.0.0.2, 127.0.0.3, ...) answering after --latency-ms, and for
each worker count a fresh schema and that many `worker --until-idle` processes over every
page: wall time until all exit, pages checked per second, and each page's fetch count.

    swift build -c release --product newswatch-core && swift build -c release --product newswatch
    python3 scripts/bench_workers.py --pages 400 --hosts 8 --latency-ms 50
"""
import argparse, os, random, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG = next(p for p in ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"] if os.path.exists(p + "/initdb"))

def as_postgres(command):
    line = command if os.getuid() != 0 else "su postgres -s /bin/sh -c \"%s\"" % command
    subprocess.run(line, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--newswatch", default=os.path.join(ROOT, ".build/release/newswatch"))
    parser.add_argument("--kill-one-after", type=float, default=0, help="SIGKILL the first worker this many seconds in (0: never)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="newswatch-workers-")
    os.chmod(work, 0o777)
    port = random.randint(20000, 60000)
    as_postgres("%s/initdb -D %s/data -A trust -U postgres --no-sync" % (PG, work))
    as_postgres("%s/pg_ctl -D %s/data -o '-p %d -k %s -c listen_addresses=127.0.0.1' -l %s/log -w start" % (PG, work, port, work, work))
    database = "postgres://postgres@127.0.0.1:%d/postgres" % port
    sites = []
    try:
        per_host = args.pages // args.hosts
        urls = []
        for h in range(args.hosts):
            host = "127.0.0.%d" % (h + 2)
            sim = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/news_site_simulator.py"), "--pages", str(per_host),
                                    "--latency-ms", str(args.latency_ms), "--host", host], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            sites.append(sim)
            site_port = int(sim.stdout.readline())
            urls += ["http://%s:%d/news/%d.html" % (host, site_port, i) for i in range(per_host)]
        watchlist = os.path.join(work, "w.yaml")
        with open(watchlist, "w") as f:
            f.write("watches:\n" + "".join("  - name: p%d\n    url: %s\n" % (i, u) for i, u in enumerate(urls)))
        print("%d pages on %d hosts, %.0f ms latency, --per-host 2 (for the whole fleet), %d cores" % (len(urls), args.hosts, args.latency_ms, os.cpu_count()))
        for count in [int(c) for c in args.workers.split(",")]:
            subprocess.run(["psql", "-q", "-h", work, "-p", str(port), "-U", "postgres", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # The first worker creates the schema; the rest start right after.
            start = time.time()
            logs = [open(os.path.join(work, "worker-%d-%d.log" % (count, i)), "w") for i in range(count)]
            workers = [subprocess.Popen([args.newswatch, "worker", "--watchlists", watchlist, "--database", database, "--until-idle",
                                         "--name", "w%d" % i], stdout=logs[i], stderr=logs[i]) for i in range(count)]
            if args.kill_one_after > 0:
                time.sleep(args.kill_one_after)
                workers[0].kill()
            for w in workers: w.wait()
            wall = time.time() - start
            if os.environ.get("KEEP_LOGS"):
                for i in range(count): shutil.copy(os.path.join(work, "worker-%d-%d.log" % (count, i)), "/tmp/")
            listed = subprocess.run([args.newswatch, "list", "--watchlists", watchlist, "--database", database, "--json"], capture_output=True, text=True)
            import json, collections
            rows = json.loads(listed.stdout)
            versions = collections.Counter(row["versions"] for row in rows)
            errors = collections.Counter((row.get("error") or "")[:60] for row in rows if row.get("error"))
            print("%d worker%s: %.1f s, %.1f pages/s; versions per page: %s%s" % (count, "" if count == 1 else "s", wall, len(urls) / wall,
                  dict(sorted(versions.items())), ("; errors: %s" % dict(errors)) if errors else ""))
    finally:
        for sim in sites:
            sim.stdin.close()
            sim.wait()
        as_postgres("%s/pg_ctl -D %s/data -m immediate -w stop" % (PG, work))
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
