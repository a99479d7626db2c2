"""`houqin restore PATH`: load an archive of `houqin backup` into an empty, migrated database
(SQLite or PostgreSQL, whichever the backup came from) and put the uploaded files back."""

from collections import Counter

from django.apps import apps

from houqin.core.backup import restore
from houqin.core.demo import text_table

from .backup import ArchiveCommand, size_text


class Command(ArchiveCommand):
    help = ("恢复：把 houqin backup 生成的备份载入新建并已迁移的空数据库（SQLite 与 PostgreSQL 可互相迁移），"
            "先核对校验和，全部在一个事务里完成，最后逐表核对行数")

    def add_arguments(self, parser):
        parser.add_argument("path", help="houqin backup 生成的 .tar.gz 文件")
        super().add_arguments(parser)

    def handle(self, *args, path, database, **options):
        result = self.run(restore, path, database)
        manifest = result.manifest
        self.stdout.write(f"备份：Houqin {manifest['houqin']}，{manifest['database']}，{manifest['created_at']}，"
                          f"{size_text(result.size)}")
        if result.replaced:
            self.stdout.write("替换了迁移自带的数据：" + "、".join(
                f"{label} {n}" for label, n in result.replaced.items()))
        if options["verbosity"] >= 2:
            self.write_tables(manifest)
        else:
            by_app = Counter()
            for label, n in manifest["rows"].items():
                by_app[label.split(".")[0]] += n
            rows = [(app_label, apps.get_app_config(app_label).verbose_name, f"{n:,}")
                    for app_label, n in sorted(by_app.items())]
            self.stdout.write(text_table(["应用", "名称", "行数"], rows))
        self.stdout.write(self.style.SUCCESS(
            f"已恢复 {result.rows:,} 行（{len(manifest['rows'])} 张表，行数与备份清单逐表一致）、"
            f"{manifest['media']} 个上传文件，用时 {result.seconds:.1f} 秒"))
