"""Concurrent writers on SQLite: 4 server workers, 100 simultaneous writes, 0 "database is locked".

    .venv/bin/python bench/sqlite_writers.py
    .venv/bin/python bench/sqlite_writers.py --writes 200 --threads 1 8

A fresh SQLite database (migrated, demo loaded) under a temporary HOUQIN_VAR_DIR; for each
--threads value, `houqin serve --workers 4 --threads T` is started and N clients, released
together, each POST the form /people/add/ (a new staff member, i.e. an INSERT plus its history
row plus the session update) as one of the demo users allowed to add people. The run fails
(exit 1) if any write does not answer with the redirect to the new record, if the database
does not hold exactly N new rows, or if the server log mentions "database is locked" or a
traceback.
"""

import argparse
import sqlite3
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from harness import Server, bench_env, csrf_token, login_session, machine, manage, percentile

WRITERS = ["esyx.director", "esyx.principal", "esyx.accountant", "styx.director", "styx.principal",
           "styx.accountant"]


def one_round(env, var, workers, threads, writes, tag):
    log_path = var / f"writers-{tag}.log"
    with Server(env, log_path, workers=workers, threads=threads, access_log=True) as server:
        base = server.base
        logins = []
        for username in WRITERS:
            session = login_session(base, username)
            logins.append((session, csrf_token(session, f"{base}/people/add/")))
        barrier = threading.Barrier(writes, timeout=60)
        outcomes, latencies = [], []
        lock = threading.Lock()

        def write(i):
            login, token = logins[i % len(logins)]
            session = requests.Session()
            session.cookies.update(login.cookies)
            data = {"csrfmiddlewaretoken": token, "name": f"写入测试{tag}-{i:03d}",
                    "gender": "f" if i % 2 else "m", "phone": f"1380000{i:04d}", "position": "保洁员",
                    "employment": "contract", "active": "on"}
            barrier.wait()
            started = time.perf_counter()
            try:
                response = session.post(f"{base}/people/add/", data=data, timeout=120, allow_redirects=False,
                                        headers={"Referer": f"{base}/people/add/"})
                ok = response.status_code == 302 and "/people/" in response.headers.get("Location", "")
                outcome = response.status_code
            except requests.RequestException as error:
                ok, outcome = False, type(error).__name__
            with lock:
                outcomes.append((ok, outcome))
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(writes) as pool:
            list(pool.map(write, range(writes)))
        wall = time.perf_counter() - started
    log = server.log_text()
    with sqlite3.connect(var / "houqin.sqlite3") as db:
        rows = db.execute("SELECT count(*) FROM core_person WHERE name LIKE ?",
                          (f"写入测试{tag}-%",)).fetchone()[0]
    latencies.sort()
    failures = [o for ok, o in outcomes if not ok]
    return {
        "workers": workers, "threads": threads, "writes": writes, "ok": writes - len(failures),
        "failures": failures, "rows": rows, "locked": log.count("database is locked"),
        "tracebacks": log.count("Traceback"), "wall_s": wall,
        "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
        "log": str(log_path),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 8],
                        help="threads per worker, one round each (1 = sync workers)")
    parser.add_argument("--writes", type=int, default=100, help="concurrent writes per round")
    parser.add_argument("--var-dir", help="HOUQIN_VAR_DIR (default: a new temporary directory)")
    args = parser.parse_args()

    env, var = bench_env(var_dir=args.var_dir)
    print(f"machine: {machine()}\ndatabase: sqlite:///{var}/houqin.sqlite3")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "demo", quiet=True)
    failed = False
    for threads in args.threads:
        r = one_round(env, var, args.workers, threads, args.writes, tag=f"w{args.workers}t{threads}")
        bad = bool(r["failures"]) or r["rows"] != args.writes or r["locked"] or r["tracebacks"]
        failed |= bad
        print(f"{r['workers']} workers × {r['threads']} threads, {r['writes']} concurrent writes: "
              f"{r['ok']} ok, {len(r['failures'])} failed {sorted(set(map(str, r['failures'])))}, "
              f"{r['rows']} rows written, {r['locked']} 'database is locked', {r['tracebacks']} tracebacks; "
              f"{r['wall_s']:.2f} s, {r['writes'] / r['wall_s']:.0f} writes/s, "
              f"p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms — {'FAIL' if bad else 'OK'}")
    print("RESULT:", "FAIL" if failed else "OK — no 'database is locked', every write stored")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
