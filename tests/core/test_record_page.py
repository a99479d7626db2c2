"""The record page pattern (core/record.html, core/views/records.py) on the work order and
the asset: status and the viewer's next step at the top, photos inline, only filled fields."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from houqin.core.choices import Role
from houqin.maintenance import services
from houqin.maintenance.models import WorkOrder
from tests.assets.test_api import asset_in, teacher_room
from tests.maintenance.helpers import person

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def report(world, **kwargs):
    order = WorkOrder(school=world.schools["a"], room=teacher_room(world), category="door",
                      description="教室门关不上")
    return services.report(order, by=world.user(Role.TEACHER), **kwargs)


def page_of(world, role, obj):
    return world.client(role).get(obj.get_absolute_url()).content.decode()


def test_the_workers_step_is_at_the_top_open_and_above_the_fields(world):
    order = report(world)
    services.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    page = page_of(world, Role.WORKER, order)
    start = page.index("action-start")
    assert start < page.index("record-fields") and start < page.index("办理记录")
    assert page.index('class="badge fs-6 text-bg-') < start  # the status comes first
    assert '<details class="border rounded p-2 mb-2 record-action action-start' not in page  # not folded away
    services.start(order, by=world.user(Role.WORKER))
    page = page_of(world, Role.WORKER, order)
    assert page.index("action-finish") < page.index("record-fields")
    assert page.index("action-finish") < page.index("action-part")  # 完工 first, 领用材料 folded below


def test_the_reporter_sees_the_status_at_the_top_and_no_empty_fields(world):
    order = report(world)
    page = page_of(world, Role.TEACHER, order)
    header = page[page.index('<header class="record-header'):page.index("</header>")]
    assert "待派单" in header and order.number in header
    for empty in ("完工时间", "验收时间", "返修次数", "外包费用", "自动验收"):
        assert empty not in page, empty
    assert "教室门关不上" in page and "<dd class=\"col-sm-8\">—</dd>" not in page
    # Nothing for the teacher to do but cancel: it is folded, not shown as his primary step.
    assert "action-cancel" in page and 'section class="card border-primary' not in page


def test_the_reporters_photo_shows_inline(world):
    order = report(world, photos=[SimpleUploadedFile("door.jpg", JPEG, content_type="image/jpeg")])
    page = page_of(world, Role.DIRECTOR, order)
    photos = page[page.index('class="record-photos'):]
    assert '<img src="/' in photos and "照片：door.jpg" in photos
    assert page.index("record-photos") < page.index("record-fields")


def test_the_director_dispatches_from_the_top(world):
    order = report(world)
    page = page_of(world, Role.DIRECTOR, order)
    assert page.index("action-assign") < page.index("record-fields")
    assert page.index("action-assign") < page.index("action-cancel")


def test_the_asset_page_leads_with_its_status_and_prints_its_label(world):
    asset = asset_in(world, name="教室投影机")
    page = page_of(world, Role.KEEPER, asset)
    header = page[page.index('<header class="record-header'):page.index("</header>")]
    assert "教室投影机" in header and "在用" in header
    label = reverse("assets:labels") + f"?ids={asset.pk}"
    assert label in header and "打印标签" in header
    assert page.index("action-move") < page.index("record-fields")
    sheet = world.client(Role.KEEPER).get(label).content.decode()
    assert sheet.count("<svg") == 1 and asset.tag in sheet
    assert "发票号" not in page or asset.invoice_number  # an empty invoice number is not listed


def test_the_teacher_finds_repair_on_his_assets_page(world):
    asset = asset_in(world)
    page = page_of(world, Role.TEACHER, asset)
    assert page.index(reverse("maintenance:workorder_add") + f"?asset={asset.pk}") < page.index("record-fields")
    assert "action-move" not in page  # the keeper's steps are not his


@pytest.mark.parametrize("template", ["assets/_action.html", "maintenance/_action.html"])
def test_one_action_partial_in_core(template):
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    get_template("core/_action.html")
    with pytest.raises(TemplateDoesNotExist):
        get_template(template)


def test_the_whole_register_prints_in_batches_with_a_chinese_note(world, monkeypatch):
    from houqin.assets.views import labels

    monkeypatch.setattr(labels, "UNFILTERED_BATCH", 2)
    assets = [asset_in(world) for _ in range(3)]
    client = world.client(Role.KEEPER)
    first = client.get(reverse("assets:labels")).content.decode()
    assert first.count("<svg") == 2 and "分批打印" in first and "下一批" in first
    second = client.get(reverse("assets:labels"), {"batch": 2}).content.decode()
    assert second.count("<svg") == 1 and "上一批" in second and "下一批" not in second
    room = client.get(reverse("assets:labels"), {"room": assets[0].room_id}).content.decode()
    assert room.count("<svg") == 3 and "分批打印" not in room  # a chosen range is printed whole


def test_the_board_never_says_minus_days(world):
    import datetime

    from django.utils import timezone

    order = report(world)  # the demo's orders may be stamped a little after "now"
    WorkOrder.objects.filter(pk=order.pk).update(reported_at=timezone.now() + datetime.timedelta(hours=3))
    page = world.client(Role.DIRECTOR).get(reverse("maintenance:board")).content.decode()
    assert order.number in page and "今天报修" in page and "已 -" not in page
