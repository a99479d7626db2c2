"""The acceptance walk of a stocktake (清查盘点), as the people involved would do it.

The director opens a stocktake of two classrooms; the keeper counts both rooms on a phone
(one projector missing, one desk damaged); the head teacher of 六(3)班 signs his room, the
director signs the other, closes and approves; the principal approves (the amount is above
the school's threshold); the register and the 总帐 totals change accordingly.
"""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import login

SHOTS = os.environ.get("HOUQIN_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def relogin(page, username):
    """Leave the page first: a request still in flight (a poll, a redirect) would otherwise set
    the old session's cookie again after the clear, and /login/ would send us home as him."""
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, username)


def ledger(school):
    """总帐 by category code: (quantity, original value) of the holdings on the books, as the
    ledger report computes it (reports.general_ledger), checked against a plain sum."""
    from django.utils import timezone

    from houqin.assets import reports
    from houqin.assets.choices import ON_BOOKS
    from houqin.assets.models import Asset

    plain = {}
    for asset in Asset.objects.filter(school=school, status__in=ON_BOOKS).select_related("category"):
        count, value = plain.get(asset.category.code, (0, Decimal("0.00")))
        plain[asset.category.code] = (count + asset.quantity, value + asset.original_value)
    report = reports.general_ledger(Asset.objects.filter(school=school), timezone.localdate())
    assert {r.code: (r.quantity, r.original) for r in report.rows} == plain
    return plain


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_a_whole_stocktake_on_a_phone(world, empties_ledgers, page):
    from houqin.assets.choices import AssetStatus, EventKind, LineResult
    from houqin.assets.models import Asset, AssetEvent, Stocktake
    from houqin.core.choices import ApprovalStatus, Role
    from houqin.core.models import ApprovalRequest, Membership, Person
    from tests.assets.factories import AssetFactory, bulk
    from tests.factories import BuildingFactory, PersonFactory, RoomFactory, SchoolClassFactory, UserFactory

    school = world.schools["a"]
    director = world.user(Role.DIRECTOR)
    wang = UserFactory(username="a.wang", display_name="王老师")
    Membership.objects.create(user=wang, school=school, role=Role.TEACHER)
    heads = [Person.objects.get(user=world.user(Role.TEACHER)), PersonFactory(school=school, name="王老师", user=wang)]
    building = BuildingFactory(school=school, name="教学楼")
    rooms = [RoomFactory(school=school, building=building, name=n) for n in ("六(3)班教室", "六(4)班教室")]
    RoomFactory(school=school, building=building, name="总务处")  # not in this stocktake
    for i, room in enumerate(rooms):
        SchoolClassFactory(school=school, grade=6, number=3 + i, head_teacher=heads[i], room=room)
    projectors = [AssetFactory(room=r, by=director) for r in rooms]
    desks = [bulk(school, room=r, by=director) for r in rooms]
    before = ledger(school)
    assert before == {"B09": (2, Decimal("9600.00")), "E01": (80, Decimal("25600.00"))}

    # 1. The director opens the stocktake for the two classrooms.
    login(page, "a.director")
    page.goto("/assets/stocktakes/")
    page.get_by_role("link", name="新增").click()
    page.fill("#id_name", "2026年秋季期末清查")
    page.get_by_label("按房间").check()
    for room in rooms:
        page.get_by_label(str(room)).check()
    shot(page, "stocktake-01-open")
    page.get_by_role("button", name="开始盘点").click()
    expect(page.locator("h1")).to_contain_text("2026年秋季期末清查")
    expect(page.locator("#stocktake-status")).to_have_text("盘点中")
    expect(page.locator("#room-progress")).to_contain_text("已盘 0/2")
    stocktake = Stocktake.objects.get(school=school)
    assert set(stocktake.rooms.values_list("room_id", flat=True)) == {r.pk for r in rooms}
    shot(page, "stocktake-02-progress")
    AssetFactory(room=rooms[0], name="后来登记的电脑", unit_price=Decimal("3000.00"), by=director)  # not frozen in

    def line(asset):
        return stocktake.lines.get(asset=asset)

    # 2. The keeper counts 六(3)班 on his phone: the projector is missing, the desks all there.
    relogin(page, "a.keeper")
    page.goto(stocktake.get_absolute_url())
    page.get_by_role("link", name=str(rooms[0])).click()
    expect(page.locator(".stocktake-line")).to_have_count(2)
    expect(page.get_by_text("后来登记的电脑")).to_have_count(0)
    shot(page, "stocktake-03-count-room-phone")
    row = page.locator(f"#line-{line(projectors[0]).pk}")
    row.locator("input[name=note]").fill("全校找过，未找到")
    row.get_by_role("button", name="缺失").click()
    expect(page.locator(f"#line-{line(projectors[0]).pk} .result-badge")).to_have_text("盘亏")
    row = page.locator(f"#line-{line(desks[0]).pk}")
    row.get_by_role("button", name="数量相符").click()
    expect(page.locator(f"#line-{line(desks[0]).pk} .result-badge")).to_have_text("相符")
    expect(page.locator("#room-status")).to_contain_text("待签字")
    shot(page, "stocktake-04-room-counted")

    # 3. … and 六(4)班: the projector's label is scanned, one desk of 40 is damaged.
    page.goto(stocktake.get_absolute_url())
    page.get_by_role("link", name=str(rooms[1])).click()
    page.fill("#scan-tag", projectors[1].tag)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"已盘点：{projectors[1]}")).to_be_visible()
    expect(page.locator(f"#line-{line(projectors[1]).pk} .result-badge")).to_have_text("相符")
    row = page.locator(f"#line-{line(desks[1]).pk}")
    row.locator("input[name=counted]").fill("40")
    row.locator("input[name=damaged]").fill("1")
    row.locator("input[name=note]").fill("桌面开裂")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(f"#line-{line(desks[1]).pk} .result-badge")).to_have_text("损坏")
    shot(page, "stocktake-05-bulk-damaged")
    # the keeper may count but not sign: that is the head teacher's
    expect(page.locator("#sign-room")).to_have_count(0)
    assert line(desks[1]).result == LineResult.DAMAGED and line(projectors[0]).result == LineResult.MISSING

    # 4. The head teacher of 六(3)班 signs his room; he cannot open 六(4)班.
    relogin(page, "a.teacher")
    page.goto(stocktake.get_absolute_url())
    expect(page.get_by_role("link", name=str(rooms[1]))).to_have_count(0)
    page.get_by_role("link", name=str(rooms[0])).click()
    page.once("dialog", lambda dialog: dialog.accept())
    shot(page, "stocktake-06-head-teacher-signs")
    page.locator("#sign-room").click()
    expect(page.locator("#signed-by")).to_contain_text("a教师")
    shot(page, "stocktake-07-signed")

    # 5. The director signs 六(4)班 (no head teacher at hand), closes and approves.
    relogin(page, "a.director")
    page.goto(stocktake.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#close-stocktake").click()
    expect(page.get_by_text("还有房间未签字确认，不能结束盘点")).to_be_visible()
    page.get_by_role("link", name=str(rooms[1])).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#sign-room").click()
    expect(page.locator("#signed-by")).to_contain_text("a总务主任")
    page.goto(stocktake.get_absolute_url())
    expect(page.locator("#room-progress")).not_to_contain_text("盘点中")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#close-stocktake").click()
    expect(page.locator("#stocktake-status")).to_have_text("已结束待审批")
    expect(page.locator("#report-value")).to_have_text("5,120.00")  # 4800 projector + 320 desk
    expect(page.locator("#discrepancy-report")).to_contain_text(projectors[0].tag)
    expect(page.locator("#discrepancy-report")).to_contain_text("桌面开裂")
    shot(page, "stocktake-08-discrepancy-report")
    assert Asset.objects.get(pk=projectors[0].pk).status == AssetStatus.IN_USE  # not before approval
    page.locator("#stocktake-approval a").click()
    page.select_option("#id_decision", "approve")
    page.get_by_role("button", name="签字").click()
    expect(page.get_by_text("已签字")).to_be_visible()
    shot(page, "stocktake-09-director-approved")
    approval = ApprovalRequest.objects.get(policy="assets.stocktake")
    assert approval.status == ApprovalStatus.PENDING and approval.step == 1  # the principal's turn

    # 6. The principal approves from his inbox.
    relogin(page, "a.principal")
    page.goto("/approvals/")
    page.get_by_role("link", name=approval.title).click()
    page.select_option("#id_decision", "approve")
    page.get_by_role("button", name="签字").click()
    expect(page.locator("h1 .badge")).to_have_text("已通过")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED

    # 7. The register and the 总帐 reflect it.
    page.goto(stocktake.get_absolute_url())
    expect(page.locator("#stocktake-status")).to_have_text("已调整")
    shot(page, "stocktake-10-adjusted")
    lost = Asset.objects.get(pk=projectors[0].pk)
    assert lost.status == AssetStatus.LOST
    assert Asset.objects.get(pk=projectors[1].pk).status == AssetStatus.IN_USE
    room_desks = {(a.status, a.quantity) for a in Asset.objects.filter(room=rooms[1], name="学生课桌椅")}
    assert room_desks == {(AssetStatus.IN_USE, 39), (AssetStatus.DAMAGED, 1)}
    assert Asset.objects.get(pk=desks[0].pk).quantity == 40
    assert AssetEvent.objects.filter(school=school, kind=EventKind.STOCKTAKE).count() == 2
    after = ledger(school)
    # 总帐: the lost projector leaves the books, the computer registered meanwhile joins them;
    # the damaged desk stays on the books (it leaves them when scrapped, not by the stocktake).
    assert after == {"B09": (2, Decimal("9600.00") - Decimal("4800.00") + Decimal("3000.00")),
                     "E01": (80, Decimal("25600.00"))}
    response = page.goto("/assets/reports/ledger/")
    if response.status == 200:  # the 总帐 page, built alongside
        expect(page.locator("main")).to_contain_text("电教设备")
        # 9600 + 25600 - 4800 (lost) + 3000 (registered meanwhile)
        assert "33,400.00" in page.locator("main").inner_text()
        shot(page, "stocktake-11-ledger")
    response = page.goto(lost.get_absolute_url())
    if response.status == 200:  # the asset pages are built alongside
        expect(page.locator("main")).to_contain_text("丢失")
        shot(page, "stocktake-12-asset-lost")
