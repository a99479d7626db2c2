"""`houqin tick`: the scheduled work, idempotent, for cron."""

import datetime
import time
import traceback

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from houqin.core.tick import discover


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}")


class Command(BaseCommand):
    help = "执行定时任务（证件到期提醒、预防性维修等）；同一天重复运行不会重复通知"

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", metavar="NAME", default=[],
                            help="只运行这个任务（可重复）")
        parser.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="以这一天为“今天”（测试用）")
        parser.add_argument("--list", action="store_true", help="列出全部任务")

    def handle(self, *args, only, date, **options):
        tasks = discover()
        if options["list"]:
            for t in tasks.values():
                self.stdout.write(f"{t.name:<28} {t.doc}")
            return
        unknown = [name for name in only if name not in tasks]
        if unknown:
            raise CommandError(f"没有这个任务：{'、'.join(unknown)}（可用：{'、'.join(tasks)}）")
        today = date or timezone.localdate()
        self.stdout.write(f"定时任务 {today:%Y-%m-%d}")
        failed = []
        for t in tasks.values():
            if only and t.name not in only:
                continue
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    result = t.func(today)
            except Exception:  # one failing task must not stop the others
                failed.append(t.name)
                self.stderr.write(f"  {t.name}: 失败\n{traceback.format_exc()}")
                continue
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  {t.name}: {result if result is not None else '完成'}（{elapsed:.2f} 秒）")
        if failed:
            raise CommandError(f"{len(failed)} 个任务失败：{'、'.join(failed)}")
