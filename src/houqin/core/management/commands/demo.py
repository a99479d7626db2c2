"""`houqin demo`: load the demo district, schools, staff and logins (idempotent)."""

from django.core.management.base import BaseCommand

from houqin.core.demo import DEMO_PASSWORD, build_demo, text_table


class Command(BaseCommand):
    help = "载入演示数据：示范区、恩施市实验小学、石台实验小学及各角色的演示账号（可重复运行）"

    def handle(self, *args, **options):
        self.stdout.write("正在载入演示数据……")
        demo = build_demo(stdout=self.stdout)
        if demo.created:
            made = "、".join(f"{label} {n}" for label, n in sorted(demo.created.items()))
            self.stdout.write(f"新建：{made}")
        else:
            self.stdout.write("演示数据已是最新，未作改动。")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        self.stdout.write(text_table(["用户名", "姓名", "角色", "学校"], demo.logins))
