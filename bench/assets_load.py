"""Load test of the asset pages, search, 总帐 and the asset list API at `houqin gendata` scale.

    export HOUQIN_VAR_DIR=/tmp/houqin-assets
    .venv/bin/houqin migrate && .venv/bin/houqin demo
    .venv/bin/houqin gendata --schools 5 --rooms-per-school 2000 --people-per-school 2000   # 100,000 assets each
    .venv/bin/python bench/assets_load.py --var-dir $HOUQIN_VAR_DIR --concurrency 1 --requests 200
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/houqin_assets .venv/bin/python bench/assets_load.py

Same harness as bench/load.py (own server on a loopback port, bounded requests and time,
p50 / p99 per URL). API URLs that do not answer 200 are reported and skipped.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import requests
from harness import Server, api_token, bench_env, login_session, machine
from load import clone, drive


def urls_for(school_code, tag):
    pages = [
        "/assets/",
        "/assets/?q=tyj",
        f"/assets/?q={tag}",
        "/assets/?status=idle",
        "/assets/?page=100",
        "/assets/reports/ledger/",
        "/assets/reports/depreciation/",
        "/assets/reports/quarterly/",
        "/assets/reports/events/",
    ]
    api = [
        "/api/v1/assets/",
        "/api/v1/assets/?q=tyj",
        f"/api/v1/assets/?q={tag}",
    ]
    return pages, api


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--var-dir", help="HOUQIN_VAR_DIR (SQLite file, secret key, static files)")
    parser.add_argument("--user", default="gen1.director")
    parser.add_argument("--tag", default="GEN1-2015-000001", help="a tag of the user's school for the tag search")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--url", action="append", help="drive only these URLs (repeatable; /api/ ones with the token)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    env, var = bench_env(args.database_url, args.var_dir)
    where = args.database_url or f"sqlite:///{var}/houqin.sqlite3"
    print(f"machine: {machine()}\ndatabase: {where}")
    pages, api = urls_for(args.user.split(".")[0], args.tag)
    if args.url:
        pages = [u for u in args.url if not u.startswith("/api/")]
        api = [u for u in args.url if u.startswith("/api/")]
    results = []
    with Server(env, var / "bench-assets-server.log", workers=args.workers) as server:
        base = server.base
        session = login_session(base, args.user)
        token = api_token(base, args.user)
        urls = [(u, False) for u in pages]
        for u in api:
            if token is None:
                print(f"API: no token — {u} skipped")
                continue
            code = requests.get(base + u, headers={"Authorization": f"Token {token}"}, timeout=60).status_code
            if code == 200:
                urls.append((u, True))
            else:
                print(f"API: {u} answers {code} — skipped")
        page_sessions = [clone(session, base) for _ in range(args.concurrency)]
        api_sessions = [clone(requests.Session(), base, token) for _ in range(args.concurrency)] if token else []
        for url, is_api in urls:
            drive(base + url, api_sessions if is_api else page_sessions, args.warmup, args.concurrency,
                  args.max_seconds)
        for url, is_api in urls:
            result = drive(base + url, api_sessions if is_api else page_sessions, args.requests, args.concurrency,
                           args.max_seconds)
            result["url"] = url
            results.append(result)
            print(f"  {url:<40} n={result['requests']:<5} err={result['errors']:<3} "
                  f"p50={result['p50_ms']:7.1f} ms  p99={result['p99_ms']:7.1f} ms  {result['req_s']:7.1f} req/s",
                  flush=True)
        log = server.log_text()
    print("\n| URL | requests | errors | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| `{r['url']}` | {r['requests']} | {r['errors']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
              f"| {r['req_s']:.1f} |")
    print(f"\nserver log: {log.count('Traceback')} tracebacks")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "database": where, "results": results},
                                              ensure_ascii=False, indent=2))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
