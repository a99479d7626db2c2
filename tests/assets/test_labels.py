"""QR label sheets and the landing page a scanned label opens."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from houqin.assets import services
from houqin.assets.views import labels
from houqin.core.choices import Role
from houqin.core.models import Membership

from ..factories import RoomFactory
from .test_api import asset_in, open_stocktake, person, teacher_room

LABELS = reverse("assets:labels")


def scan_url(tag):
    return reverse("assets:scan", args=[tag])


def svgs(html):
    return re.findall(r"<svg\b", html)


def test_sheet_has_one_qr_per_asset_with_tag_name_and_school(world):
    first, second = asset_in(world, name="多功能投影机"), asset_in(world, name="班级图书柜")
    not_asked = asset_in(world, name="空调")
    response = world.client(Role.KEEPER).get(LABELS, {"ids": f"{first.pk},{second.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(svgs(html)) == 2
    for asset in (first, second):
        assert asset.tag in html and asset.name in html
    assert not_asked.tag not in html
    assert html.count("A小学") >= 2
    assert "@page" in html and "A4" in html
    assert not re.search(r'(?:src|href)="https?://', html)  # nothing fetched from elsewhere


def test_qr_code_holds_the_absolute_scan_url(world):
    asset = asset_in(world)
    url = f"http://testserver{scan_url(asset.tag)}"
    expected = labels.qr_svg(url)
    html = world.client(Role.KEEPER).get(LABELS, {"ids": str(asset.pk)}).content.decode()
    assert expected in html
    assert labels.qr_svg(url + "x") not in html


def test_sheet_takes_the_asset_list_filters_and_paginates_by_24(world):
    room = RoomFactory(school=world.schools["a"])
    in_room = [asset_in(world, room=room) for _ in range(26)]
    elsewhere = asset_in(world)
    html = world.client(Role.DIRECTOR).get(LABELS, {"room": room.pk}).content.decode()
    assert len(svgs(html)) == 26 and elsewhere.tag not in html
    assert html.count('class="sheet"') == 2
    assert all(a.tag in html for a in in_room)
    bad = world.client(Role.DIRECTOR).get(LABELS, {"ids": "1,x"})
    assert bad.status_code == 400 and "ids" in bad.content.decode()
    bad = world.client(Role.DIRECTOR).get(LABELS, {"status": "蒸发"})
    assert bad.status_code == 400 and "筛选条件有误" in bad.content.decode()


def test_sheet_excludes_other_schools_and_other_rooms_for_a_teacher(world):
    mine = asset_in(world)
    other_room = asset_in(world, room=RoomFactory(school=world.schools["a"]))
    theirs = asset_in(world, "b")
    ids = f"{mine.pk},{other_room.pk},{theirs.pk}"
    html = world.client(Role.KEEPER).get(LABELS, {"ids": ids}).content.decode()
    assert mine.tag in html and other_room.tag in html and theirs.tag not in html
    html = world.client(Role.TEACHER).get(LABELS, {"ids": ids}).content.decode()
    assert len(svgs(html)) == 1 and mine.tag in html and other_room.tag not in html
    assert len(svgs(world.client(Role.TEACHER).get(LABELS).content.decode())) == 1
    officer = world.client(Role.DISTRICT_OFFICER).get(LABELS, {"ids": ids}).content.decode()
    assert mine.tag in officer and theirs.tag not in officer


def test_sheet_requires_login(world):
    response = Client().get(LABELS, {"ids": "1"})
    assert response.status_code == 302 and "next=" in response["Location"]


def test_a_few_hundred_labels_render_in_as_many_queries_as_one(world):
    """The sheet's cost is in its queries, not in seconds (speed is measured in bench/): 300
    labels take the queries one label takes."""
    from houqin.assets.models import Asset

    keeper = world.user(Role.KEEPER)
    client = world.client(Role.KEEPER)
    lone, room = RoomFactory(school=world.schools["a"]), RoomFactory(school=world.schools["a"])
    asset_in(world, room=lone)
    template = asset_in(world, room=room)
    for i in range(299):
        copy = Asset(school=template.school, name=f"学生椅{i}", category=template.category,
                     unit_price=template.unit_price, purchase_date=template.purchase_date, room=room)
        services.register(copy, by=keeper)
    client.get(LABELS, {"room": lone.pk})  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert len(svgs(client.get(LABELS, {"room": lone.pk}).content.decode())) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(svgs(client.get(LABELS, {"room": room.pk}).content.decode())) == 300
    assert len(many) == len(one), [q["sql"] for q in many]


# --- the scan landing page -----------------------------------------------------------------------


def test_scan_requires_login_and_comes_back(world):
    asset = asset_in(world)
    response = Client().get(scan_url(asset.tag))
    assert response.status_code == 302
    assert f"next={quote(scan_url(asset.tag), safe='')}" in response["Location"] or (
        "next=" + scan_url(asset.tag)) in response["Location"]


def test_scan_of_own_asset_opens_its_page(world):
    asset = asset_in(world)
    response = world.client(Role.KEEPER).get(scan_url(asset.tag))
    try:
        detail = reverse("assets:asset_detail", args=[asset.pk])
    except NoReverseMatch:  # pragma: no cover - before the asset pages exist
        assert response.status_code == 200
        assert asset.tag in response.content.decode()
        return
    assert response.status_code == 302 and response["Location"] == detail


def test_scan_page_offers_repair_and_stocktake(world, monkeypatch):
    """The small page (used while the asset's own page is missing) and its actions fragment."""
    asset = asset_in(world)
    monkeypatch.setattr(labels, "reverse", _without_detail(labels.reverse))
    client = world.client(Role.TEACHER)
    html = client.get(scan_url(asset.tag)).content.decode()
    assert asset.tag in html and asset.name in html and asset.room.name in html and "在用" in html
    repair = reverse("maintenance:workorder_add") + f"?asset={asset.pk}"
    assert f'href="{repair}"' in html and "盘点（" not in html  # 报修 with the asset filled in
    stocktake = open_stocktake(world)
    html = client.get(scan_url(asset.tag)).content.decode()
    try:
        room_url = reverse("assets:stocktakeroom_detail", args=[stocktake.rooms.get().pk])
    except NoReverseMatch:  # pragma: no cover - before the stocktake pages exist
        return
    assert f'href="{room_url}"' in html and stocktake.name in html
    # The guard may not count: no stocktake link for him.
    guard_html = world.client(Role.GUARD).get(scan_url(asset.tag)).content.decode()
    assert "盘点（" not in guard_html


def _without_detail(real):
    def fake(name, *args, **kwargs):
        if name == "assets:asset_detail":
            raise NoReverseMatch(name)
        return real(name, *args, **kwargs)

    return fake


def test_scan_of_another_school(world):
    theirs = asset_in(world, "b")
    far = asset_in(world, "c")
    assert world.client(Role.KEEPER).get(scan_url(theirs.tag)).status_code == 404
    assert world.client(Role.KEEPER).get(scan_url(far.tag)).status_code == 404
    assert world.client(Role.KEEPER).get(scan_url("NO-SUCH-TAG")).status_code == 404
    # A user of both schools is told where the label belongs; nothing switches by itself.
    user = world.user(Role.KEEPER)
    Membership.objects.create(user=user, school=world.schools["b"], role=Role.KEEPER)
    response = world.client(Role.KEEPER).get(scan_url(theirs.tag))
    html = response.content.decode()
    assert response.status_code == 200 and "该标签属于B小学" in html and "切换到B小学" in html
    assert world.client(Role.KEEPER).get(reverse("core:home")).context["school"] == world.schools["a"]
    # The district officer of both schools, likewise.
    officer = world.client(Role.DISTRICT_OFFICER).get(scan_url(theirs.tag)).content.decode()
    assert "该标签属于B小学" in officer
    assert world.client(Role.DISTRICT_OFFICER).get(scan_url(far.tag)).status_code == 404


def test_scan_of_an_asset_outside_the_teachers_rooms_is_refused(world):
    other = asset_in(world, room=RoomFactory(school=world.schools["a"]))
    assert world.client(Role.TEACHER).get(scan_url(other.tag)).status_code == 403
    mine = asset_in(world)
    assert world.client(Role.TEACHER).get(scan_url(mine.tag)).status_code in (200, 302)


@pytest.mark.parametrize("tag", ["SCHOOLA-2025-00001", "六(3)班-投影机/1"])
def test_scan_url_round_trips_any_tag(world, tag):
    asset = asset_in(world, tag=tag)
    assert world.client(Role.KEEPER).get(scan_url(tag)).status_code in (200, 302)
    assert asset.room == teacher_room(world) and person(world, Role.TEACHER) == asset.room.responsible
