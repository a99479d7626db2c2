"""`houqin backup [PATH]`: the whole database (any engine) and the uploaded files in one archive
that `houqin restore` loads into an empty database of either engine."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from houqin.core.backup import BackupError, backup
from houqin.core.demo import text_table


def size_text(size):
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


class ArchiveCommand(BaseCommand):
    """What backup and restore share: the --database option, the archive's refusal said as a
    CommandError, and the rows of each table in a text table."""

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def run(self, work, path, database):
        try:
            return work(path, using=database)
        except BackupError as e:
            raise CommandError(str(e))

    def write_tables(self, manifest):
        rows = [(label, f"{n:,}") for label, n in manifest["rows"].items()]
        self.stdout.write(text_table(["数据表", "行数"], rows))


class Command(ArchiveCommand):
    help = ("备份：全部数据（与数据库种类无关的格式）和上传的附件写成一个 .tar.gz 文件，"
            "默认 $HOUQIN_VAR_DIR/backups/houqin-日期-时间.tar.gz")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="备份文件（或目录）；默认 $HOUQIN_VAR_DIR/backups/")
        super().add_arguments(parser)

    def handle(self, *args, path, database, **options):
        result = self.run(backup, path, database)
        manifest = result.manifest
        if options["verbosity"] >= 2:
            self.write_tables(manifest)
        self.stdout.write(self.style.SUCCESS(
            f"已备份到 {result.path}：{result.rows:,} 行（{len(manifest['rows'])} 张表）、"
            f"{manifest['media']} 个上传文件，{size_text(result.size)}，用时 {result.seconds:.1f} 秒"))
