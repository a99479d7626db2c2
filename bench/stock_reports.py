"""Load test of the stock reports at a year of district-scale movements: the item ledger
(材料账, a whole year and one month of one item), the monthly spending report (按月分类),
the stock balance (库存结存) and their API twins.

    export HOUQIN_VAR_DIR=/tmp/hq-stock-bench
    .venv/bin/houqin migrate
    .venv/bin/houqin gendata --schools 10 --rooms-per-school 100 --people-per-school 100 \\
        -o assets=0 -o stock_movements=100000                # 1,000,000 movements
    .venv/bin/python bench/stock_reports.py --var-dir $HOUQIN_VAR_DIR --requests 100
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hq_stock_bench .venv/bin/python bench/stock_reports.py

Same harness as bench/load.py (own server on a loopback port, bounded requests and time,
p50 / p99 per URL). The item and warehouse of the ledger are looked up in the database
first: the most moved item of the user's school (A4复印纸 is as likely as any).
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

import requests
from harness import Server, api_token, bench_env, login_session, machine
from load import clone, drive

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def ledger_subject(env, school_code):
    """(item id, warehouse id, movements of the school, movements of that item) via Django."""
    os.environ.update({k: v for k, v in env.items() if k in ("HOUQIN_VAR_DIR", "DATABASE_URL")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
    import django

    django.setup()
    from django.db.models import Count

    from houqin.stock.models import Movement

    moves = Movement.objects.filter(school__code=school_code)
    top = (moves.order_by().values("item_id", "warehouse_id").annotate(n=Count("id")).order_by("-n").first())
    if top is None:
        raise SystemExit(f"school {school_code} has no movements: run houqin gendata -o stock_movements=N first")
    return top["item_id"], top["warehouse_id"], moves.count(), top["n"], Movement.objects.count()


def urls_for(item, warehouse, today):
    year_ago = today - datetime.timedelta(days=364)
    month_ago = today - datetime.timedelta(days=30)
    ledger = f"item={item}&warehouse={warehouse}&end={today}"
    pages = [
        f"/stock/reports/ledger/?{ledger}&start={year_ago}",
        f"/stock/reports/ledger/?{ledger}&start={month_ago}",
        f"/stock/reports/spending/?year={today.year}",
        f"/stock/reports/spending/?year={today.year}&kind=",
        "/stock/reports/balance/",
        "/stock/reports/low-stock/",
    ]
    api = [
        f"/api/v1/stock-reports/ledger/?{ledger}&start={year_ago}",
        f"/api/v1/stock-reports/spending/?year={today.year}",
    ]
    return pages, api


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--var-dir", help="HOUQIN_VAR_DIR (SQLite file, secret key, static files)")
    parser.add_argument("--user", default="gen1.director")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=90)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    env, var = bench_env(args.database_url, args.var_dir)
    where = args.database_url or f"sqlite:///{var}/houqin.sqlite3"
    item, warehouse, school_moves, item_moves, all_moves = ledger_subject(env, args.user.split(".")[0])
    print(f"machine: {machine()}\ndatabase: {where}")
    print(f"movements: {all_moves:,} in all, {school_moves:,} in the user's school, {item_moves:,} of the "
          f"ledger's item (item {item}, warehouse {warehouse})")
    pages, api = urls_for(item, warehouse, datetime.date.today())
    results = []
    with Server(env, var / "bench-stock-server.log", workers=args.workers) as server:
        base = server.base
        session = login_session(base, args.user)
        token = api_token(base, args.user)
        urls = [(u, False) for u in pages]
        for u in api:
            code = requests.get(base + u, headers={"Authorization": f"Token {token}"}, timeout=60).status_code \
                if token else None
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
            print(f"  {url:<90} n={result['requests']:<4} err={result['errors']:<3} "
                  f"p50={result['p50_ms']:7.1f} ms  p99={result['p99_ms']:7.1f} ms", flush=True)
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
