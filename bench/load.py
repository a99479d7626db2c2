"""Load test of the list pages and list API against `houqin serve` on a loopback port.

    .venv/bin/python bench/load.py --setup --schools 20 --rooms 5000 --people 5000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/houqin_bench .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --var-dir /tmp/houqin-big --concurrency 8 --requests 400

Without DATABASE_URL (or --database-url) the database is SQLite under a temporary
HOUQIN_VAR_DIR (or --var-dir). `--setup` migrates and loads the demo and generated data first.
The server runs in its own processes; this script drives it from N threads, a bounded number
of requests per URL (and at most --max-seconds), and prints p50 / p99 latency and req/s.
"""

import argparse
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from harness import Server, api_token, bench_env, login_session, machine, manage, percentile

PAGES = [
    "/rooms/",
    "/rooms/?kind=office",
    "/rooms/?q=305",
    "/rooms/?page=last",
    "/people/",
    "/people/?q=王",
    "/people/?employment=contract",
    "/people/?page=last",
    "/certificates/",
    "/certificates/?expiring=true",
    "/",
]
API = [
    "/api/v1/rooms/",
    "/api/v1/people/",
    "/api/v1/certificates/",
    "/api/v1/rooms/?page_size=200",
]
# Plain values() + JsonResponse over the same rows (bench/baseline_urls.py), for target 3.
BASELINE = [
    "/bench/values/rooms/",
    "/bench/values/people/",
    "/bench/values/certificates/",
]
BENCH_DIR = Path(__file__).resolve().parent


def drive(url, sessions, requests_total, concurrency, max_seconds):
    """Issue `requests_total` GETs of `url` from `concurrency` threads; returns the figures."""
    latencies, errors, statuses = [], [], {}
    lock = threading.Lock()
    issued = iter(range(requests_total))
    deadline = time.monotonic() + max_seconds

    def worker(session):
        while time.monotonic() < deadline:
            with lock:
                if next(issued, None) is None:
                    return
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=60, allow_redirects=False)
                ok = response.status_code == 200
                code = response.status_code
            except requests.RequestException as error:
                ok, code = False, type(error).__name__
            elapsed = time.perf_counter() - started
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
                (latencies if ok else errors).append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, sessions[:concurrency]))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "url": url, "requests": len(latencies) + len(errors), "errors": len(errors), "statuses": statuses,
        "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
        "req_s": len(latencies) / wall if wall else 0.0,
    }


def clone(session, base, token=None):
    """A session of its own for each thread, sharing the login."""
    s = requests.Session()
    s.cookies.update(session.cookies)
    if token:
        s.headers["Authorization"] = f"Token {token}"
    s.get(f"{base}/login/", timeout=30)  # open the keep-alive connection
    return s


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--var-dir", help="HOUQIN_VAR_DIR (SQLite file, secret key, static files)")
    parser.add_argument("--setup", action="store_true", help="migrate, demo and gendata before the run")
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--rooms", type=int, default=2000, help="rooms per generated school")
    parser.add_argument("--people", type=int, default=2000, help="people per generated school")
    parser.add_argument("--user", default="gen1.director")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1, help="threads per server worker")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--requests", type=int, default=400, help="requests per URL")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per URL")
    parser.add_argument("--max-seconds", type=float, default=60, help="time limit per URL")
    parser.add_argument("--url", action="append",
                        help="URL to drive instead of the default list (repeatable)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="do not serve and drive the values() baseline views")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    env, var = bench_env(args.database_url, args.var_dir)
    if not args.no_baseline:
        env["DJANGO_SETTINGS_MODULE"] = "baseline_settings"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")]))
    where = args.database_url or f"sqlite:///{var}/houqin.sqlite3"
    print(f"machine: {machine()}\ndatabase: {where}")
    if args.setup:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "demo", quiet=True)
        manage(env, "gendata", "--schools", str(args.schools), "--rooms-per-school", str(args.rooms),
               "--people-per-school", str(args.people))

    results = []
    with Server(env, var / "bench-load-server.log", workers=args.workers, threads=args.threads) as server:
        print(f"server: {server.base}, {args.workers} workers × {args.threads} threads; "
              f"client: {args.concurrency} threads, {args.requests} requests per URL")
        base = server.base
        session = login_session(base, args.user)
        token = api_token(base, args.user)
        urls = [(u, False) for u in (args.url or PAGES)]
        if not args.url:
            if token is None:
                print("API: no token from /api/v1/auth/token/ — API lists skipped")
            else:
                for u in API + ([] if args.no_baseline else BASELINE):
                    headers = {"Authorization": f"Token {token}"}
                    code = requests.get(base + u, headers=headers, timeout=60).status_code
                    if code == 200:
                        urls.append((u, True))
                    else:
                        print(f"API: {u} answers {code} — skipped")
        page_sessions = [clone(session, base) for _ in range(args.concurrency)]
        api_sessions = ([clone(requests.Session(), base, token) for _ in range(args.concurrency)]
                        if token else [])
        for url, is_api in urls:  # warm every worker's caches on every URL before measuring
            drive(base + url, api_sessions if is_api else page_sessions, args.warmup, args.concurrency,
                  args.max_seconds)
        for url, is_api in urls:
            sessions = api_sessions if is_api else page_sessions
            result = drive(base + url, sessions, args.requests, args.concurrency, args.max_seconds)
            result["url"] = url
            results.append(result)
            print(f"  {url:<36} n={result['requests']:<5} err={result['errors']:<3} "
                  f"p50={result['p50_ms']:7.1f} ms  p99={result['p99_ms']:7.1f} ms  "
                  f"{result['req_s']:7.1f} req/s",
                  flush=True)
        log = server.log_text()

    print()
    print("| URL | requests | errors | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| `{r['url']}` | {r['requests']} | {r['errors']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
              f"| {r['req_s']:.1f} |")
    locked = log.count("database is locked")
    server_errors = log.count("Traceback")
    print(f"\nserver log: {server_errors} tracebacks, {locked} 'database is locked'")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": machine(), "database": where, "workers": args.workers, "threads": args.threads,
            "concurrency": args.concurrency, "results": results,
            "server_tracebacks": server_errors, "database_locked": locked,
        }, ensure_ascii=False, indent=2))
    return 1 if any(r["errors"] for r in results) or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
