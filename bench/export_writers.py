"""openpyxl (write-only) against XlsxWriter (constant_memory) on the asset export's shape:
100,000 rows of 24 cells (text, numbers, dates), the same values, to a temporary file. Run:
`python bench/export_writers.py [rows]`; each writer runs in its own process, which prints its
seconds, rows/s and peak RSS."""

import datetime
import resource
import subprocess
import sys
import tempfile
import time

from openpyxl import Workbook


def rows(n):
    day = datetime.date(2024, 9, 1)
    for i in range(n):
        yield [f"A-{i:07d}", f"多功能投影机{i % 97}", "B09", "电教设备", "单件", "EB-X51", "爱普生", 4800.0, 1, "台",
               4800.0, day, "财政拨款", "某某科技", f"FP{i}", day, "教学楼", f"{i % 300}室", "张老师", "在用", "是",
               1234.5, 3565.5, ""]


def with_openpyxl(n, out):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("资产清单")
    for row in rows(n):
        ws.append(row)
    wb.save(out)


def with_xlsxwriter(n, out):
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("资产清单")
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows(n)):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                ws.write_datetime(r, c, value, dates)
            else:
                ws.write(r, c, value)
    wb.close()


WRITERS = {"openpyxl write-only": with_openpyxl, "XlsxWriter constant_memory": with_xlsxwriter}


def measure(name, n):
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        started = time.perf_counter()
        WRITERS[name](n, f.name)
        seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name:28} {n:,} rows {seconds:6.2f} s {n / seconds:9,.0f} rows/s peak RSS {rss:5.0f} MiB", flush=True)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if len(sys.argv) > 2:
        measure(sys.argv[2], n)
    else:
        for name in WRITERS:
            subprocess.run([sys.executable, __file__, str(n), name], check=True)
