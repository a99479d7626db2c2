"""Issue 15, hole 6: how fast, and in how much memory, the 30-million-row workbook of the
report is refused — by `check_upload`, the check every import upload goes through before it
is queued. Prints the wall time and the peak Python memory (tracemalloc) of the refusal, and
the process's peak RSS.

    DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=src:. python bench/import_bomb.py
"""

import resource
import time
import tracemalloc

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from houqin.core.importer import ImportFileError, check_upload  # noqa: E402
from tests.security.test_import_holes import rewritten, thirty_million_rows  # noqa: E402


def main():
    bomb = rewritten(thirty_million_rows).getvalue()
    upload = SimpleUploadedFile("台账.xlsx", bomb)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        check_upload(upload)
        message = "accepted (!)"
    except ImportFileError as error:
        message = str(error)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file {len(bomb):,} bytes; refused in {elapsed * 1000:.1f} ms, peak Python memory "
          f"{peak / 1024:.0f} KiB, process peak RSS {rss:.0f} MiB")
    print(message)


if __name__ == "__main__":
    main()
