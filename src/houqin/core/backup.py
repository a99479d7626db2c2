"""Backup and restore (`houqin backup`, `houqin restore`): one archive that loads into an empty
database of either engine, so a school can move from SQLite to the district's PostgreSQL.

The archive is a tar.gz holding

    data/0001-contenttypes-contenttype.jsonl …   one JSON Lines file per table that has rows
    media/…                                      the uploaded files (the default storage)
    manifest.json                                Houqin version, migrations per app, rows per table,
                                                 the sha256 of every other member, time of the backup

The rows are Django's serialization (every model of every installed app, history tables and the
append-only ledgers included), read inside one transaction so that they are one consistent
state. Content types and permissions are written by natural key, and references to them too:
their ids differ from one database to the next. Every other row keeps its primary key.

Restoring verifies every sha256 before touching anything, refuses a database that already has
schools or users and an archive whose migrations differ from the code's, then loads everything
in one transaction the way `loaddata` does (Django's deserializer and raw inserts, so no history
rows or other signal side effects; foreign keys checked at the end; PostgreSQL sequences reset),
restores the files and checks every table's row count against the manifest; any difference
rolls it all back.
"""

import datetime
import gzip
import hashlib
import json
import os
import posixpath
import tarfile
import tempfile
import time
import zlib
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .ledger import AppendOnlyModel
from .models import School, User

FORMAT = 1
MANIFEST = "manifest.json"
# Tables whose ids mean nothing outside their database: written and found by natural key.
NATURAL = {"contenttypes.contenttype", "auth.permission"}
CHUNK = 2000


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (in Chinese)."""


def houqin_version():
    try:
        return package_version("houqin")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def default_path():
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"houqin-{stamp}.tar.gz"


# --- What is in the database -------------------------------------------------------------


def dump_models():
    """Every concrete model of every installed app, content types and permissions first (rows
    elsewhere refer to them by natural key, so they must be there before those rows load)."""
    first = [ContentType, Permission]
    rest = sorted((m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and m not in first),
                  key=lambda m: m._meta.label_lower)
    return first + rest


def m2m_tables(model):
    """The automatic many-to-many tables of `model` (their rows travel with the model's rows)."""
    return [f.remote_field.through for f in model._meta.local_many_to_many
            if f.remote_field.through._meta.auto_created]


def counted_models():
    """Every table whose rows the manifest counts: the models and their many-to-many tables."""
    return [t for m in dump_models() for t in (m, *m2m_tables(m))]


def applied_migrations(using):
    applied = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


# --- Backup ------------------------------------------------------------------------------


class Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    """JSON Lines with natural keys for content types and permissions (and references to them)
    only: every other row keeps its primary key, and references to it stay ids."""

    def get_dump_object(self, obj):
        self.use_natural_primary_keys = obj._meta.label_lower in NATURAL
        return super().get_dump_object(obj)

    def handle_fk_field(self, obj, field):
        related = field.remote_field.model
        if related is ContentType:
            value = getattr(obj, field.attname)
            if value is not None:
                # A history row may outlive its content type: then the id is kept.
                with suppress(ContentType.DoesNotExist):
                    value = list(ContentType.objects.db_manager(obj._state.db).get_for_id(value).natural_key())
            self._current[field.name] = value
            return
        self.use_natural_foreign_keys = related._meta.label_lower in NATURAL
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model._meta.label_lower in NATURAL
        super().handle_m2m_field(obj, field)


@contextmanager
def snapshot(using):
    """One read transaction: everything read inside sees the same committed state."""
    connection = connections[using]
    if connection.in_atomic_block:  # the caller's transaction already is one
        yield
        return
    if connection.vendor == "sqlite":
        # Django would BEGIN IMMEDIATE (the write lock, see settings); a deferred BEGIN is a WAL
        # read snapshot that lets the running app keep writing.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # read only: nothing to commit
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _counting(iterable, counter, key):
    for obj in iterable:
        counter[key] += 1
        yield obj


def _dump_table(model, path, using, rows):
    label = model._meta.label_lower
    queryset = model._base_manager.using(using).order_by("pk")
    if m2m := [f.name for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]:
        queryset = queryset.prefetch_related(*m2m)
    with open(path, "w", encoding="utf-8") as stream:
        Serializer().serialize(_counting(queryset.iterator(chunk_size=CHUNK), rows, label), stream=stream,
                               cls=Encoder)
    for through in m2m_tables(model):
        if count := through._base_manager.using(using).count():
            rows[through._meta.label_lower] = count


def media_files(storage, directory=""):
    """Every file name in the storage, sorted."""
    try:
        dirs, files = storage.listdir(directory)
    except FileNotFoundError:  # no upload yet: MEDIA_ROOT does not exist
        return []
    names = [posixpath.join(directory, f) if directory else f for f in files]
    for d in dirs:
        names += media_files(storage, posixpath.join(directory, d) if directory else d)
    return sorted(names)


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _tarinfo(name, size, mtime):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


@dataclass
class Result:
    path: Path
    manifest: dict
    seconds: float
    size: int = 0
    replaced: dict = field(default_factory=dict)

    @property
    def rows(self):
        return sum(self.manifest["rows"].values())


def backup(path=None, *, using=DEFAULT_DB_ALIAS, storage=None):
    """Write the archive to `path` (default: var/backups/houqin-<time>.tar.gz); returns a Result."""
    started = time.perf_counter()
    storage = storage or default_storage
    path = Path(path) if path else default_path()
    if path.is_dir():
        path = path / default_path().name
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".houqin-backup-") as tmp:
        tmp = Path(tmp)
        manifest = _dump_data(tmp, using)
        part = path.with_name(path.name + ".part")
        try:
            _write_archive(part, tmp, manifest, storage)
            os.replace(part, path)
        finally:
            if part.exists():
                part.unlink()
    return Result(path=path, manifest=manifest, seconds=time.perf_counter() - started, size=path.stat().st_size)


def _dump_data(tmp, using):
    """Every table as JSON lines under tmp/data, read in one snapshot; the manifest so far
    (the data files' checksums, the row counts, the migrations)."""
    rows, files = Counter(), {}
    (tmp / "data").mkdir()
    with snapshot(using):
        created_at = timezone.now()
        migrations = applied_migrations(using)
        for index, model in enumerate(dump_models(), start=1):
            name = f"data/{index:04d}-{model._meta.label_lower.replace('.', '-')}.jsonl"
            _dump_table(model, tmp / name, using, rows)
            if rows[model._meta.label_lower]:
                files[name] = _sha256(tmp / name)
            else:
                (tmp / name).unlink()
    return {
        "format": FORMAT,
        "houqin": houqin_version(),
        "created_at": created_at.isoformat(),
        "database": connections[using].vendor,
        "migrations": migrations,
        "rows": dict(sorted((label, n) for label, n in rows.items() if n)),
        "media": 0,
        "files": files,
    }


def _write_archive(part, tmp, manifest, storage):
    """The data files, the media files (their checksums added to the manifest as they are
    read) and the manifest, gzipped into `part`, readable by the owner only."""
    files = manifest["files"]
    mtime = datetime.datetime.fromisoformat(manifest["created_at"]).timestamp()
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # password hashes, TOTP keys
    with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:
        for name in list(files):
            with open(tmp / name, "rb") as f:
                tar.addfile(_tarinfo(name, (tmp / name).stat().st_size, mtime), f)
        media = media_files(storage)
        for name in media:
            with storage.open(name, "rb") as f:
                reader = _Hashing(f)
                tar.addfile(_tarinfo(f"media/{name}", storage.size(name), mtime), reader)
            files[f"media/{name}"] = reader.digest.hexdigest()
        manifest["media"] = len(media)
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.seek(0)
            tar.addfile(_tarinfo(MANIFEST, len(data), mtime), f)


# --- Restore -----------------------------------------------------------------------------


def _member_ok(name):
    if name == MANIFEST:
        return True
    if name.startswith("data/"):
        rest = name[len("data/"):]
        return "/" not in rest and rest.endswith(".jsonl")
    if name.startswith("media/"):
        rest = name[len("media/"):]
        parts = rest.split("/")
        return bool(rest) and posixpath.normpath(rest) == rest and ".." not in parts and "\\" not in rest
    return False


def unpack(path, into):
    """Extract the archive into the directory `into` and check every member's sha256 against
    the manifest; returns the manifest. Raises BackupError on anything amiss."""
    into = Path(into)
    digests = _extract(path, into)
    if MANIFEST not in digests:
        raise BackupError("备份文件里没有 manifest.json：不是 houqin backup 生成的备份")
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        expected = manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise BackupError("备份文件的 manifest.json 已损坏")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 {manifest.get('format')!r}（本版本读取格式 {FORMAT}）")
    del digests[MANIFEST]
    if missing := sorted(set(expected) - set(digests)):
        raise BackupError(f"备份文件不完整，缺少：{'、'.join(missing[:5])}")
    if extra := sorted(set(digests) - set(expected)):
        raise BackupError(f"备份文件里有清单之外的内容：{'、'.join(extra[:5])}")
    if changed := sorted(name for name, digest in digests.items() if expected[name] != digest):
        raise BackupError(f"备份文件已被改动或损坏，校验和不符：{'、'.join(changed[:5])}")
    return manifest


def _extract(path, into):
    """Every member written under `into`, with its sha256; only the names a backup writes."""
    digests = {}
    try:
        # The whole gzip stream first: its CRC catches a changed byte anywhere, even where tar
        # would just see the end of the archive.
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile() or not _member_ok(member.name) or member.name in digests:
                    raise BackupError(f"备份文件里有不该有的内容：{member.name}")
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                digests[member.name] = digest.hexdigest()
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {path}")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
        raise BackupError(f"备份文件已损坏，无法读取（{e}）")
    return digests


def check_migrations(manifest, using):
    """The archive's migrations must be exactly those applied here, and this database fully migrated."""
    connection = connections[using]
    executor = MigrationExecutor(connection)
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    made_by = f"备份由 Houqin {manifest.get('houqin', '?')} 于 {manifest.get('created_at', '?')} 生成"
    if newer := sorted(archived - set(executor.loader.disk_migrations)):
        listed = "、".join(f"{app}.{name}" for app, name in newer[:5])
        raise BackupError(f"{made_by}，比本机的 Houqin（{houqin_version()}）新，本机没有这些迁移：{listed}。"
                          "请先升级本机的 Houqin 再恢复。")
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError("数据库还没有迁移到最新：请先运行 houqin migrate，再恢复。")
    if older := sorted(set(executor.loader.applied_migrations) - archived):
        listed = "、".join(f"{app}.{name}" for app, name in older[:5])
        raise BackupError(f"{made_by}，比本机的 Houqin（{houqin_version()}）旧，缺少这些迁移：{listed}。"
                          "请用生成备份的那个版本恢复，再升级 Houqin 并运行 houqin migrate。")


def check_empty(using):
    schools = School._base_manager.using(using).count()
    users = User._base_manager.using(using).count()
    ledgers = [m._meta.verbose_name for m in dump_models()
               if issubclass(m, AppendOnlyModel) and m._base_manager.using(using).exists()]
    if schools or users or ledgers:
        held = f"学校 {schools} 所、用户 {users} 个" + (f"、{'、'.join(ledgers)}" if ledgers else "")
        raise BackupError(f"数据库不是空的（{held}）：恢复只能载入新建并已迁移的空数据库。未作任何改动。")


def _clear(using):
    """Remove what the migrations put into a new database (asset categories, holidays …): the
    archive has its own copy. Content types and permissions stay: rows are matched by natural key."""
    cleared = {}
    for model in counted_models():
        if model._meta.label_lower in NATURAL:
            continue
        queryset = model._base_manager.using(using).all()
        if count := queryset.count():
            queryset._raw_delete(using)
            cleared[model._meta.label_lower] = count
    return cleared


def _insert(batch, using):
    """Insert deserialized rows of one model as they are, many per statement: the raw insert of
    Model.save_base(raw=True) (no auto_now, no signals, so no history rows or other side
    effects), then their many-to-many pairs."""
    if not batch:
        return
    model = type(batch[0].object)
    objs = [d.object for d in batch]
    fields = model._meta.local_concrete_fields
    size = connections[using].ops.bulk_batch_size(fields, objs) or len(objs)
    for start in range(0, len(objs), size):
        model._base_manager.using(using)._insert(objs[start:start + size], fields=fields, using=using, raw=True)
    pairs = {}
    for d in batch:
        for name, values in (d.m2m_data or {}).items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            pairs.setdefault(through, []).extend(through(**{source: d.object.pk, target: v}) for v in values)
    for through, rows in pairs.items():
        through._base_manager.using(using).bulk_create(rows, batch_size=CHUNK)


def _load(into, names, using):
    """loaddata's way, in one transaction: Django's deserializer, raw inserts, foreign keys checked
    at the end, sequences reset. Content types and permissions are saved one by one (found by
    natural key: updated, else inserted); every other table is empty, so its rows are inserted
    in batches."""
    connection = connections[using]
    loaded, deferred = set(), []
    with connection.constraint_checks_disabled():
        for name in names:
            batch = []
            with open(into / name, encoding="utf-8") as stream:
                for obj in serializers.deserialize("jsonl", stream, using=using, handle_forward_references=True):
                    model = type(obj.object)
                    loaded.add(model)
                    if model._meta.label_lower in NATURAL or obj.deferred_fields:
                        obj.save(using=using)
                        if obj.deferred_fields:
                            deferred.append(obj)
                        continue
                    if batch and type(batch[0].object) is not model:
                        _insert(batch, using)
                        batch = []
                    batch.append(obj)
                    if len(batch) >= CHUNK:
                        _insert(batch, using)
                        batch = []
            _insert(batch, using)
        for obj in deferred:
            obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
    if sql := connection.ops.sequence_reset_sql(no_style(), loaded):
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _check_counts(manifest, using):
    expected = manifest["rows"]
    if unknown := sorted(set(expected) - {m._meta.label_lower for m in counted_models()}):
        raise BackupError(f"备份里有本机没有的数据表：{'、'.join(unknown[:5])}")
    wrong = []
    for model in counted_models():
        label = model._meta.label_lower
        want, have = expected.get(label, 0), model._base_manager.using(using).count()
        # migrate makes the content types and permissions of this code: there may be more.
        if have != want and not (label in NATURAL and have >= want):
            wrong.append(f"{label} 应为 {want} 行，实为 {have} 行")
    if wrong:
        raise BackupError(f"恢复后的行数与备份清单不符，已全部撤销：{'；'.join(wrong[:5])}")


def _restore_media(into, names, storage):
    for name in names:
        target = name[len("media/"):]
        if storage.exists(target):
            storage.delete(target)
        with open(into / name, "rb") as f:
            saved = storage.save(target, File(f, name=target))
        if saved != target:
            raise BackupError(f"上传文件 {target} 无法按原名恢复（存成了 {saved}）")


def restore(path, *, using=DEFAULT_DB_ALIAS, storage=None):
    """Load the archive at `path` into this empty, migrated database; returns a Result."""
    started = time.perf_counter()
    storage = storage or default_storage
    with tempfile.TemporaryDirectory(prefix="houqin-restore-") as tmp:
        tmp = Path(tmp)
        manifest = unpack(path, tmp)
        check_migrations(manifest, using)
        check_empty(using)
        data = sorted(name for name in manifest["files"] if name.startswith("data/"))
        media = sorted(name for name in manifest["files"] if name.startswith("media/"))
        with transaction.atomic(using=using):
            replaced = _clear(using)
            _load(tmp, data, using)
            _check_counts(manifest, using)
            _restore_media(tmp, media, storage)  # inside: a failure here rolls the rows back too
    return Result(path=Path(path), manifest=manifest, seconds=time.perf_counter() - started,
                  size=Path(path).stat().st_size, replaced=replaced)
