"""`houqin gendata`: bulk-generated schools for benchmarks (district `gen`, schools gen1 … genN).

Rows are inserted with bulk_create, one transaction per school, without change history.
Schools that already exist are skipped, so a run can be extended (`--schools 20` after 10).
Every generated director logs in as `gen<i>.director` with the demo password.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from houqin.core.demo import GENDATA_STEPS, discover, generate


def key_value(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise CommandError(f"选项应写成 KEY=VALUE：{text}")
    return key, value


class Command(BaseCommand):
    help = "批量生成压测数据：N 所学校，每校若干房间、教职工、证件、班级和一个总务主任账号"

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=10, help="学校数（默认 10）")
        parser.add_argument("--rooms-per-school", type=int, default=2000, help="每校房间数（默认 2000）")
        parser.add_argument("--people-per-school", type=int, default=2000, help="每校教职工数（默认 2000）")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("-o", "--option", action="append", type=key_value, default=[],
                            metavar="KEY=VALUE", help="传给各模块生成步骤的选项，如 assets=100000")

    def handle(self, *args, schools, rooms_per_school, people_per_school, batch_size, option, **options):
        if min(schools, rooms_per_school, people_per_school) < 0 or schools == 0:
            raise CommandError("数量不能为负，学校数至少为 1")
        discover()
        steps = "、".join(s.name for s in GENDATA_STEPS)
        self.stdout.write(f"生成 {schools} 所学校 × {rooms_per_school} 房间 × {people_per_school} 人"
                          f"（步骤：{steps}）")
        started = time.perf_counter()
        gen = generate(schools=schools, rooms=rooms_per_school, people=people_per_school,
                       options=dict(option), stdout=self.stdout, batch_size=batch_size)
        elapsed = time.perf_counter() - started
        total = sum(gen.counts.values())
        for label, n in sorted(gen.counts.items()):
            self.stdout.write(f"  {label:<28} {n:>10,}")
        self.stdout.write(self.style.SUCCESS(
            f"共 {total:,} 行，用时 {elapsed:.1f} 秒，{total / elapsed if elapsed else 0:,.0f} 行/秒"))
