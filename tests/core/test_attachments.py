"""Uploads: type by extension and content, size cap, safe names, served as downloads."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from houqin.core import services
from houqin.core.models import Attachment
from tests.factories import RoomFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64

MALICIOUS = [
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("x.html", b"<html><script>alert(1)</script></html>"),
    ("x.htm", b"<script>alert(1)</script>"),
    ("x.js", b"alert(1)"),
    ("x.exe", b"MZ\x90\x00"),
    ("x.php", b"<?php system($_GET['c']); ?>"),
    ("x.png", b"<html><script>alert(1)</script></html>"),  # HTML dressed as PNG
    ("x.jpg", b"<svg onload=alert(1)>"),
    ("x.pdf", b"<script>alert(1)</script>"),
    ("x.png.html", PNG),
    ("x.jpg.svg", JPEG),
    ("x", PNG),  # no extension
    ("x.sh", b"#!/bin/sh\nrm -rf /"),
    ("x.xhtml", b"<html xmlns='http://www.w3.org/1999/xhtml'><script>1</script></html>"),
    ("x.gif", b"GIF00a<script>"),
    ("x.webp", b"RIFF\x00\x00\x00\x00HTML<script>"),  # RIFF but not WEBP
    ("x.docx", b"<html>not a zip</html>"),
    ("x.xlsx", b"=cmd|' /C calc'!A0"),
    ("../../etc/passwd.png", b"root:x:0:0"),
    ("x.png", b""),  # empty
]


@pytest.fixture
def room(world):
    return RoomFactory(school=world.schools["a"])


@pytest.mark.parametrize(("name", "content"), MALICIOUS)
def test_malicious_uploads_are_refused(world, room, name, content):
    with pytest.raises(ValidationError):
        services.attach(room, SimpleUploadedFile(name, content), by=world.user("teacher"), kind="photo")
    assert not Attachment.objects.exists()


def test_all_twenty_samples_refused_through_the_page(world, room):
    client = world.client("teacher")
    ct = ContentType.objects.get_for_model(room).pk
    for name, content in MALICIOUS:
        response = client.post(reverse("core:attachment_upload", args=[ct, room.pk]),
                               {"kind": "photo", "file": SimpleUploadedFile(name, content)}, follow=True)
        assert response.status_code == 200
    assert len(MALICIOUS) == 20
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(("name", "content", "mime"), [
    ("门.png", PNG, "image/png"), ("photo.JPG", JPEG, "image/jpeg"), ("发票.pdf", PDF, "application/pdf")])
def test_good_uploads_are_kept_with_a_safe_name(world, room, name, content, mime):
    a = services.attach(room, SimpleUploadedFile(name, content), by=world.user("teacher"), kind="scan")
    assert a.mime == mime and a.original_name == name and a.size == len(content)
    assert a.file.name.startswith("attachments/schoola/") and name not in a.file.name


@override_settings(ATTACHMENT_MAX_BYTES=100)
def test_size_cap(world, room):
    with pytest.raises(ValidationError, match="文件太大"):
        services.attach(room, SimpleUploadedFile("big.png", PNG + b"\x00" * 100), by=world.user("teacher"),
                        kind="photo")


def test_download_is_an_attachment_of_the_own_school_only(world, room):
    a = services.attach(room, SimpleUploadedFile("门.png", PNG), by=world.user("teacher"), kind="photo")
    response = world.client("director").get(a.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    for school in ("b", "c"):
        assert world.client("director", school).get(a.get_absolute_url()).status_code == 404
    assert world.client("director", "a").__class__().get(a.get_absolute_url()).status_code == 302  # anonymous


def test_upload_to_another_schools_object_is_404(world):
    theirs = RoomFactory(school=world.schools["c"])
    ct = ContentType.objects.get_for_model(theirs).pk
    response = world.client("director").post(reverse("core:attachment_upload", args=[ct, theirs.pk]),
                                              {"kind": "photo", "file": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_detail_page_lists_attachments(world, room):
    services.attach(room, SimpleUploadedFile("门.png", PNG), by=world.user("teacher"), kind="photo")
    page = world.client("teacher").get(reverse("core:room_detail", args=[room.pk])).content.decode()
    assert "门.png" in page


# --- attachments follow their record -----------------------------------------------------------


def teachers_and_others(world):
    """A work order, a requisition and an asset the teacher may open, and one of each she may not."""
    from houqin.core.models import Person
    from tests.assets.factories import AssetFactory
    from tests.maintenance.factories import WorkOrderFactory
    from tests.stock.factories import requisition

    a, teacher, worker = world.schools["a"], world.user("teacher"), world.user("worker")
    her_room = RoomFactory(school=a, responsible=Person.objects.get(user=teacher))
    return {
        "work order": (WorkOrderFactory(school=a, reporter=teacher), WorkOrderFactory(school=a, reporter=worker)),
        "requisition": (requisition(a, requested_by=teacher), requisition(a, requested_by=worker)),
        "asset": (AssetFactory(school=a, room=her_room), AssetFactory(school=a)),
    }


def upload(client, record):
    ct = ContentType.objects.get_for_model(record).pk
    return client.post(reverse("core:attachment_upload", args=[ct, record.pk]),
                       {"kind": "photo", "file": SimpleUploadedFile("a.png", PNG)})


def test_a_teacher_attaches_to_and_downloads_from_only_the_records_she_may_open(world):
    teacher, director = world.client("teacher"), world.client("director")
    for what, (hers, not_hers) in teachers_and_others(world).items():
        assert teacher.get(hers.get_absolute_url()).status_code == 200, what
        assert teacher.get(not_hers.get_absolute_url()).status_code == 404, what
        assert upload(teacher, hers).status_code == 302, what
        assert upload(teacher, not_hers).status_code == 404, what
        assert services.attachments_of(not_hers).count() == 0, what
        assert upload(director, not_hers).status_code == 302, what
        assert teacher.get(services.attachments_of(hers).get().get_absolute_url()).status_code == 200, what
        assert teacher.get(services.attachments_of(not_hers).get().get_absolute_url()).status_code == 404, what


def test_a_record_that_takes_no_attachments_is_a_400_in_chinese(world):
    from houqin.assets.models import Category

    shared = Category.objects.order_by("pk").first()
    response = upload(world.client("director"), shared)
    assert response.status_code == 400 and "不能添加附件" in response.content.decode()
    assert not Attachment.objects.exists()
