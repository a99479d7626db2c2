"""`houqin backup` / `houqin restore`: a school with its history, ledgers and uploads goes into
one archive and comes back with nothing lost (every row, every field, by primary key; every
uploaded byte); a non-empty database, a changed archive and an archive from another version of
the code are refused without writing anything. The suite runs on SQLite and on PostgreSQL: the
cross-engine move is the same code path (content types and permissions travel by natural key)."""

import datetime
import io
import json
import tarfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction

from houqin.assets import demo as assets_demo
from houqin.core import backup, services
from houqin.core import demo as core_demo
from houqin.core.models import District, Room, School, User
from tests.conftest import empty_sqlite_ledgers, seed_categories
from tests.factories import RoomFactory
from tests.maintenance.helpers import seed_holidays

TODAY = datetime.date(2026, 11, 21)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + b"\x00\xff" * 300


@pytest.fixture
def media(settings, tmp_path):
    """Uploads on disk (the suite keeps them in memory) under a MEDIA_ROOT of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path / "media"


def new_database():
    """What `houqin migrate` leaves in a new database: content types and permissions (here under
    other ids than in the backup, as in another database) and the rows of the data migrations
    (asset categories, national holidays)."""
    with transaction.atomic():
        empty_sqlite_ledgers()
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        ContentType.objects.create(app_label="elsewhere", model="first")  # takes the first id
        emit_post_migrate_signal(0, False, connection.alias)  # content types and permissions
        ContentType.objects.filter(app_label="elsewhere").delete()
        ContentType.objects.clear_cache()
    seed_categories()
    seed_holidays()


def natural_keys():
    cts = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    perms = {p.pk: (p.codename, *cts[p.content_type_id]) for p in Permission.objects.all()}
    return {ContentType: cts, Permission: perms}


def database_state():
    """Every row of every table: by primary key, with references to content types and
    permissions (whose ids differ between databases) replaced by their natural keys;
    many-to-many tables as sets of pairs (their own ids are not kept)."""
    natural = natural_keys()
    state = {}
    for model in backup.counted_models():
        fields = model._meta.concrete_fields
        rows = []
        for values in model._base_manager.values_list(*(f.attname for f in fields)):
            row = {}
            for f, value in zip(fields, values, strict=True):
                target = f.related_model if f.is_relation else None
                row[f.attname] = natural[target].get(value, value) if target in natural and value else value
            rows.append(row)
        if model in natural:
            state[model._meta.label_lower] = {natural[model][r["id"]]: {**r, "id": None} for r in rows}
        elif model._meta.auto_created:
            state[model._meta.label_lower] = sorted(tuple(v for k, v in r.items() if k != "id") for r in rows)
        else:
            state[model._meta.label_lower] = {r[model._meta.pk.attname]: r for r in rows}
    return state


def media_state(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read_manifest(path):
    with tarfile.open(path, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def repack(source, target, *, manifest=None, member=None):
    """Copy an archive, changing the manifest (a function of the dict) or one member's bytes."""
    with tarfile.open(source, "r:gz") as src, tarfile.open(target, "w:gz") as out:
        for info in src:
            data = src.extractfile(info).read()
            if info.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif member and info.name == member[0]:
                data = member[1](data)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def a_school_with_everything(media, monkeypatch):
    """The demo of one school (stock ledger, work orders, procurement, assets, history …) with a
    smaller asset register, a group with permissions, and two uploaded files."""
    monkeypatch.setattr(core_demo, "SCHOOLS", {"esyx": core_demo.SCHOOLS["esyx"]})
    monkeypatch.setattr(assets_demo, "DEMO_HOLDINGS", 300)
    seed_categories()  # an earlier transactional test may have flushed them
    seed_holidays()
    core_demo.build_demo(today=TODAY)
    director = User.objects.get(username="esyx.director")
    group = Group.objects.create(name="总务组")
    group.permissions.set(Permission.objects.filter(content_type__app_label="stock")[:5])
    director.groups.add(group)
    director.user_permissions.add(Permission.objects.get(codename="view_room"))
    room = Room.objects.filter(school__code="esyx").first()
    demo_files = len(media_state(media))  # e.g. the after-photos of the demo's rectified hazards
    services.attach(room, SimpleUploadedFile("门.png", PNG), by=director, kind="photo")
    services.attach(room, SimpleUploadedFile("发票.pdf", PDF), by=director, kind="scan")
    assert len(media_state(media)) == demo_files + 2


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_a_school_round_trips_with_nothing_lost(media, flushable, tmp_path, monkeypatch):
    a_school_with_everything(media, monkeypatch)
    before, files, content_types = database_state(), media_state(media), natural_keys()[ContentType]
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b.tar.gz"), stdout=out)
    assert "已备份到" in out.getvalue()
    archive = tmp_path / "b.tar.gz"
    manifest = read_manifest(archive)
    rows = manifest["rows"]
    # every table with rows is in it: ledgers, history, many-to-many, natural-key tables
    assert {label for label, table in before.items() if table} == set(rows)
    for label in ("stock.movement", "core.signoff", "maintenance.workorderevent", "assets.assetevent",
                  "core.historicalattachment", "stock.historicalitem", "core.user_groups", "auth.group_permissions",
                  "maintenance.specialequipment_operators", "contenttypes.contenttype", "auth.permission"):
        assert rows[label] == len(before[label]) > 0, label
    assert manifest["media"] == len(files) >= 2 and manifest["database"] == connection.vendor
    assert manifest["migrations"]["core"] and manifest["created_at"] and manifest["houqin"]
    assert all(len(digest) == 64 for digest in manifest["files"].values())

    new_database()
    for path in list(media.rglob("*")):
        if path.is_file():
            path.unlink()
    assert not School.objects.exists() and not media_state(media)
    room_type = ContentType.objects.get_for_model(Room).pk
    assert content_types.get(room_type) != ("core", "room")  # the attachments' subjects: another id here

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "已恢复" in out.getvalue() and "替换了迁移自带的数据" in out.getvalue()

    after = database_state()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert media_state(media) == files
    attachment = apps.get_model("core", "Attachment").objects.get(original_name="门.png")
    assert attachment.file.read() == PNG and attachment.subject.school.code == "esyx"

    # Sequences carry on after the restored ids (PostgreSQL needs them reset), history too.
    district = District.objects.create(code="new", name="新区")
    assert district.pk > max(before["core.district"])
    school = School.objects.get(code="esyx")
    school.name = "恩施市实验小学（新）"
    school.save()
    assert school.history.count() == len([r for r in before["core.historicalschool"].values()
                                          if r["id"] == school.pk]) + 1


@pytest.fixture
def small(world, media):
    """The shared world of three schools with one upload: enough for the refusals."""
    room = RoomFactory(school=world.schools["a"])
    services.attach(room, SimpleUploadedFile("门.png", PNG), by=world.user("teacher"), kind="photo")
    return world


@pytest.fixture
def archive(small, tmp_path):
    return backup.backup(tmp_path / "small.tar.gz").path


def refused(path, match, media):
    before, files = database_state(), media_state(media)
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(path), stdout=io.StringIO())
    assert database_state() == before and media_state(media) == files


@pytest.mark.django_db(transaction=True)
def test_rows_that_disagree_with_the_manifest_roll_everything_back(small, media, flushable, tmp_path):
    archive = backup.backup(tmp_path / "small.tar.gz").path
    new_database()
    for path in list(media.rglob("*")):
        if path.is_file():
            path.unlink()
    wrong = repack(archive, tmp_path / "wrong.tar.gz",
                   manifest=lambda m: {**m, "rows": {**m["rows"], "core.room": m["rows"]["core.room"] + 1}})
    refused(wrong, "行数与备份清单不符.*core.room 应为", media)
    assert not School.objects.exists() and not User.objects.exists() and not media_state(media)
    call_command("restore", str(archive), stdout=io.StringIO())
    assert School.objects.count() == 3 and len(media_state(media)) == 1


def test_a_database_with_schools_or_users_is_refused_and_nothing_written(archive, media):
    default_storage.delete(next(iter(media_state(media))))  # a file the restore would write back
    refused(archive, "数据库不是空的", media)
    assert not media_state(media)


def test_a_changed_byte_in_the_archive_is_refused(archive, tmp_path, media):
    changed = repack(archive, tmp_path / "changed.tar.gz",
                     member=("data/0001-contenttypes-contenttype.jsonl", lambda d: d.replace(b"room", b"rooM", 1)))
    refused(changed, "校验和不符", media)
    image = next(name for name in read_manifest(archive)["files"]
                 if name.startswith("media/"))
    changed = repack(archive, tmp_path / "image.tar.gz", member=(image, lambda d: d[:-1] + b"\x01"))
    refused(changed, "校验和不符", media)
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # inside the compressed stream
    (tmp_path / "flipped.tar.gz").write_bytes(bytes(raw))
    refused(tmp_path / "flipped.tar.gz", "已损坏|校验和不符", media)
    (tmp_path / "cut.tar.gz").write_bytes(archive.read_bytes()[:-100])
    refused(tmp_path / "cut.tar.gz", "已损坏|校验和不符|不完整|没有 manifest", media)


def test_an_archive_with_unexpected_members_is_refused(archive, tmp_path, media):
    with tarfile.open(archive, "r:gz") as src, tarfile.open(tmp_path / "evil.tar.gz", "w:gz") as out:
        for info in src:
            out.addfile(info, src.extractfile(info))
        info = tarfile.TarInfo("media/../../etc/cron.d/x")
        info.size = 1
        out.addfile(info, io.BytesIO(b"x"))
    refused(tmp_path / "evil.tar.gz", "不该有的内容", media)


def test_an_archive_from_newer_or_older_code_is_refused(archive, tmp_path, media):
    newer = repack(archive, tmp_path / "newer.tar.gz", manifest=lambda m: {
        **m, "houqin": "9.0", "migrations": {**m["migrations"], "core": [*m["migrations"]["core"], "9999_future"]}})
    refused(newer, "比本机的 Houqin.*新.*core.9999_future", media)
    last = max(backup.applied_migrations("default")["stock"])
    older = repack(archive, tmp_path / "older.tar.gz", manifest=lambda m: {
        **m, "migrations": {**m["migrations"], "stock": [n for n in m["migrations"]["stock"] if n != last]}})
    refused(older, f"旧.*stock.{last}", media)


def test_the_default_path_is_under_var_backups(small, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    result = backup.backup()
    assert result.path.parent == tmp_path / "backups"
    assert result.path.name.startswith("houqin-") and result.path.name.endswith(".tar.gz")
    assert result.path.stat().st_mode & 0o077 == 0  # password hashes and TOTP keys inside
    assert not [p for p in result.path.parent.iterdir() if p != result.path]  # no temporary left
