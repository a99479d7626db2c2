"""Throughput of the asset import (validate, then commit) and export, in-process, against the
database of HOUQIN_VAR_DIR / DATABASE_URL (generated data: `houqin gendata`).

    HOUQIN_VAR_DIR=/tmp/houqin-assets .venv/bin/python bench/assets_excel.py --rows 20000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/houqin_assets .venv/bin/python bench/assets_excel.py

The import goes into school `--school` (default gen1) inside a transaction that is rolled
back at the end, so the data are left as they were. The export is of the whole school.
"""

import argparse
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--school", default="gen1")
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from harness import machine
    from openpyxl import Workbook

    from houqin.assets import excel
    from houqin.assets.models import Asset
    from houqin.core.models import Room, School, User

    school = School.objects.get(code=args.school)
    user = User.objects.filter(memberships__school=school).first()
    rooms = [str(r) for r in Room.objects.filter(school=school).select_related("building")[:500]]
    names = [("多功能投影机", "B09", "4800.00"), ("学生课桌椅", "E01", "320.00"), ("计算机", "B01", "4299.50"),
             ("图书", "D01", "35.00"), ("空调", "B06", "3600.00")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("资产导入")
    ws.append([h for h, _r, _t in excel.IMPORT_COLUMNS])
    for i in range(args.rows):
        name, code, price = names[i % len(names)]
        qty = 1 if code not in ("E01", "D01") else 20 + i % 30
        ws.append([f"BENCH-{i:07d}", name, code, "批量" if qty > 1 else "单件", "", "", price, qty, "台",
                   f"{2010 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}", "公用经费", "", "", "",
                   rooms[i % len(rooms)], "", "在用", ""])
    data = io.BytesIO()
    wb.save(data)
    print(f"machine: {machine()}\ndatabase: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"file: {args.rows:,} rows, {data.tell() / 1e6:.1f} MB")

    data.seek(0)
    started = time.perf_counter()
    result = excel.validate(data, school)
    validated = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    with transaction.atomic():
        started = time.perf_counter()
        excel.commit(result, school, by=user)
        committed = time.perf_counter() - started
        transaction.set_rollback(True)
    total = validated + committed
    print(f"import: validate {validated:.2f} s ({args.rows / validated:,.0f} rows/s), "
          f"commit {committed:.2f} s ({args.rows / committed:,.0f} rows/s), "
          f"together {args.rows / total:,.0f} rows/s (rolled back)")

    if not args.no_export:
        n = Asset.objects.filter(school=school).count()
        tracemalloc.start()
        started = time.perf_counter()
        out = excel.export_assets(Asset.objects.filter(school=school))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        size = out.seek(0, 2)
        print(f"export: {n:,} holdings in {elapsed:.1f} s ({n / elapsed:,.0f} rows/s), {size / 1e6:.1f} MB, "
              f"peak Python memory {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
