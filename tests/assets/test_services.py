"""The lifecycle services of assets (校产): register, split and move, loans, damage and
compensation, repair, loss, and scrapping through the approval rules by amount."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houqin.assets import services
from houqin.assets.choices import AssetStatus, CompensationStatus, EventKind
from houqin.assets.models import Asset, AssetEvent, Loan, ScrapRequest
from houqin.core.approvals import sign
from houqin.core.choices import ApprovalStatus, Role
from houqin.core.models import ApprovalRequest
from tests.factories import PersonFactory, RoomFactory

from .factories import AssetFactory, bulk, category

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def director(world, school="a"):
    return world.user(Role.DIRECTOR, school)


def approval_of(scrap):
    return ApprovalRequest.objects.get(object_id=scrap.pk, policy="assets.scrap")


# --- register -------------------------------------------------------------------------


def test_register_generates_tags_in_sequence_per_school_and_year(world):
    a, c = world.schools["a"], world.schools["c"]
    first = AssetFactory(school=a, by=director(world))
    second = AssetFactory(school=a, by=director(world))
    other_year = AssetFactory(school=a, purchase_date=datetime.date(2025, 1, 5))
    other_school = AssetFactory(school=c)
    assert first.tag == "SCHOOLA-2024-00001"
    assert second.tag == "SCHOOLA-2024-00002"
    assert other_year.tag == "SCHOOLA-2025-00001"
    assert other_school.tag == "SCHOOLC-2024-00001"
    event = first.events.get()
    assert event.kind == EventKind.REGISTER and event.quantity == 1 and event.value_change == Decimal("4800.00")
    assert event.by == director(world)


def test_register_keeps_a_given_tag_and_refuses_a_taken_one(world):
    a = world.schools["a"]
    asset = AssetFactory(school=a, tag="OLD-001")
    assert asset.tag == "OLD-001"
    with pytest.raises(ValidationError) as e:
        AssetFactory(school=a, tag="OLD-001")
    assert "已被使用" in str(e.value)
    assert AssetFactory(school=world.schools["c"], tag="OLD-001").tag == "OLD-001"  # another school may


def test_capitalised_by_the_schools_threshold(world):
    a = world.schools["a"]
    at = AssetFactory(school=a, unit_price=Decimal("1000.00"))
    below = AssetFactory(school=a, unit_price=Decimal("999.99"))
    assert at.capitalised and at.life_months == 60  # 电教设备: 5 years
    assert not below.capitalised and below.life_months is None  # low-value item: not depreciated
    a.capitalisation_threshold = Decimal("300.00")
    a.save()
    desks = bulk(a)  # 320.00 a set, 课桌椅 15 years
    assert desks.capitalised and desks.life_months == 180
    assert desks.start_month == 2024 * 12 + 8


def test_books_and_land_are_not_depreciated(world):
    a = world.schools["a"]
    books = bulk(a, name="图书", category=category("D01"), unit_price=Decimal("3000.00"), quantity=10, unit="册")
    assert books.capitalised and books.life_months is None
    land = AssetFactory(school=a, name="操场用地", category=category("A06"), unit_price=Decimal("90000.00"))
    assert land.life_months is None


def test_register_sets_pinyin_and_refuses_other_schools_room(world):
    asset = AssetFactory(school=world.schools["a"], name="投影机")
    assert asset.pinyin == "tyj"
    with pytest.raises(ValidationError):
        AssetFactory(school=world.schools["a"], room=RoomFactory(school=world.schools["c"]))
    with pytest.raises(ValidationError):
        AssetFactory(school=world.schools["a"], quantity=3)  # individual holdings are one each


# --- split and move ---------------------------------------------------------------------


def test_split_a_bulk_holding(world):
    desks = bulk(world.schools["a"])
    part = services.split(desks, 10, by=director(world))
    desks.refresh_from_db()
    assert (desks.quantity, part.quantity) == (30, 10)
    assert part.room == desks.room and part.tag != desks.tag
    assert desks.events.last().value_change == Decimal("-3200.00")
    assert part.events.get().value_change == Decimal("3200.00")
    for bad in (0, 30, 31):  # at least one must stay
        with pytest.raises(ValidationError):
            services.split(desks, bad, by=director(world))
    with pytest.raises(ValidationError):
        services.split(AssetFactory(school=world.schools["a"]), 1, by=director(world))


def test_move_part_of_a_bulk_holding_to_another_room(world):
    a = world.schools["a"]
    desks = bulk(a)
    room = RoomFactory(school=a)
    moved = services.move(desks, by=director(world), room=room, quantity=15)
    desks.refresh_from_db()
    assert desks.quantity == 25 and moved.quantity == 15 and moved.room == room
    assert Asset.objects.filter(school=a).count() == 2
    event = moved.events.filter(kind=EventKind.MOVE).get()
    assert event.from_room == desks.room and event.to_room == room
    # the whole holding
    services.move(desks, by=director(world), room=room)
    desks.refresh_from_db()
    assert desks.room == room and desks.quantity == 25


def test_move_refuses_other_school_and_nothing_to_do(world):
    asset = AssetFactory(school=world.schools["a"])
    with pytest.raises(ValidationError):
        services.move(asset, by=director(world), room=RoomFactory(school=world.schools["b"]))
    with pytest.raises(ValidationError):
        services.move(asset, by=director(world))
    with pytest.raises(ValidationError):
        services.move(bulk(world.schools["a"]), by=director(world), room=RoomFactory(school=world.schools["a"]),
                      quantity=41)
    custodian = PersonFactory(school=world.schools["a"])
    services.move(asset, by=director(world), custodian=custodian)
    asset.refresh_from_db()
    assert asset.custodian == custodian


# --- loans ---------------------------------------------------------------------------------


def test_lend_return_and_overdue(world):
    a = world.schools["a"]
    asset = AssetFactory(school=a)
    borrower = PersonFactory(school=a, name="李老师")
    loan = services.lend(asset, by=director(world), borrower=borrower, due_on=TODAY, lent_on=TODAY)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.LENT
    assert list(services.overdue_loans(a, today=TODAY)) == []
    assert list(services.overdue_loans(a, today=TODAY + datetime.timedelta(days=1))) == [loan]
    with pytest.raises(ValidationError):  # already lent
        services.lend(asset, by=director(world), borrower=borrower, due_on=TODAY)
    services.return_loan(loan, by=director(world), condition="镜头划伤", damaged=True)
    loan.refresh_from_db()
    asset.refresh_from_db()
    assert loan.returned_on and loan.return_condition == "镜头划伤"
    assert asset.status == AssetStatus.DAMAGED
    assert list(services.overdue_loans(a, today=TODAY + datetime.timedelta(days=10))) == []
    with pytest.raises(ValidationError):
        services.return_loan(loan, by=director(world))
    kinds = list(asset.events.values_list("kind", flat=True))
    assert kinds == [EventKind.REGISTER, EventKind.LEND, EventKind.RETURN]


def test_lend_part_of_a_bulk_holding(world):
    a = world.schools["a"]
    balls = bulk(a, name="篮球", quantity=20, unit="个", unit_price=Decimal("120.00"))
    loan = services.lend(balls, by=director(world), borrower=PersonFactory(school=a), quantity=5,
                         due_on=datetime.date(2099, 1, 1))
    balls.refresh_from_db()
    assert balls.quantity == 15 and balls.status == AssetStatus.IN_USE
    assert loan.asset.quantity == 5 and loan.asset.status == AssetStatus.LENT and loan.quantity == 5


def test_lend_refusals(world):
    a = world.schools["a"]
    asset = AssetFactory(school=a)
    with pytest.raises(ValidationError):
        services.lend(asset, by=director(world), borrower=PersonFactory(school=world.schools["c"]),
                      due_on=datetime.date(2099, 1, 1))
    with pytest.raises(ValidationError):
        services.lend(asset, by=director(world), borrower=PersonFactory(school=a), lent_on=TODAY,
                      due_on=TODAY - datetime.timedelta(days=1))
    assert not Loan.objects.exists()


# --- damage, compensation, repair, loss ---------------------------------------------------------


def test_damage_opens_a_compensation_paid_or_waived(world):
    a = world.schools["a"]
    asset = AssetFactory(school=a)
    comp = services.report_damage(asset, by=director(world), description="投影机被球砸坏", liable_name="王小明",
                                  amount=Decimal("300.00"))
    asset.refresh_from_db()
    assert asset.status == AssetStatus.DAMAGED and comp.status == CompensationStatus.PENDING
    services.settle_compensation(comp, by=world.user(Role.ACCOUNTANT), paid=True)
    comp.refresh_from_db()
    assert comp.status == CompensationStatus.PAID and comp.settled_by == world.user(Role.ACCOUNTANT)
    with pytest.raises(ValidationError):
        services.settle_compensation(comp, by=director(world), paid=False, note="家庭困难")

    other = services.report_damage(AssetFactory(school=a), by=director(world), description="桌面开裂",
                                   liable_name="张三", amount=Decimal("50.00"))
    with pytest.raises(ValidationError) as e:
        services.settle_compensation(other, by=director(world), paid=False, note="  ")
    assert "免赔须写明理由" in str(e.value)
    other.refresh_from_db()
    assert other.status == CompensationStatus.PENDING
    services.settle_compensation(other, by=director(world), paid=False, note="家庭困难，校长批准免赔")
    other.refresh_from_db()
    assert other.status == CompensationStatus.WAIVED and other.settle_note.startswith("家庭困难")


def test_damage_without_liable_person_and_missing_amount(world):
    a = world.schools["a"]
    assert services.report_damage(AssetFactory(school=a), by=director(world), description="自然老化") is None
    asset = AssetFactory(school=a)
    with pytest.raises(ValidationError):
        services.report_damage(asset, by=director(world), description="砸坏", liable_name="王小明")
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE  # nothing written
    assert not asset.events.filter(kind=EventKind.DAMAGE).exists()


def test_repair_and_repaired(world):
    asset = AssetFactory(school=world.schools["a"])
    services.send_to_repair(asset, by=director(world), note="不开机")
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_REPAIR
    with pytest.raises(ValidationError):
        services.send_to_repair(asset, by=director(world))
    services.repaired(asset, by=director(world))
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE
    with pytest.raises(ValidationError):
        services.repaired(asset, by=director(world))


def test_mark_lost_writes_it_off(world):
    asset = AssetFactory(school=world.schools["a"])
    with pytest.raises(ValidationError):
        services.mark_lost(asset, by=director(world), note=" ")
    services.mark_lost(asset, by=director(world), note="暑假后未找到")
    asset.refresh_from_db()
    assert asset.status == AssetStatus.LOST
    event = asset.events.last()
    assert event.kind == EventKind.LOST and event.value_change == Decimal("-4800.00") and event.quantity == -1
    with pytest.raises(ValidationError):
        services.mark_lost(asset, by=director(world), note="再次")


# --- scrapping: the approval boundary ---------------------------------------------------------


def scrap_at(world, price, **kwargs):
    asset = AssetFactory(school=world.schools["a"], unit_price=Decimal(price), **kwargs)
    return services.request_scrap(asset, by=world.user(Role.KEEPER), reason="老化无法修复")


def test_scrap_at_exactly_the_threshold_needs_the_principal(world):
    assert world.schools["a"].principal_threshold == Decimal("1000.00")
    scrap = scrap_at(world, "1000.00")
    approval = approval_of(scrap)
    assert [s["label"] for s in approval.steps] == ["总务主任审核", "校长审批"]
    sign(approval, by=director(world), decision="approve")
    scrap.refresh_from_db()
    scrap.asset.refresh_from_db()
    assert scrap.state == "pending" and scrap.asset.status == AssetStatus.PENDING_SCRAP
    with pytest.raises(PermissionDenied):  # the director cannot sign the principal's step
        sign(approval, by=director(world), decision="approve")
    with pytest.raises(ValidationError):  # no disposal before approval
        services.dispose(scrap, by=director(world), method="recycle")
    sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")
    scrap.refresh_from_db()
    scrap.asset.refresh_from_db()
    assert scrap.state == "approved" and scrap.asset.status == AssetStatus.SCRAPPED
    assert scrap.asset.events.last().value_change == Decimal("-1000.00")


def test_scrap_just_below_the_threshold_completes_with_the_director(world):
    scrap = scrap_at(world, "999.99")
    approval = approval_of(scrap)
    assert len(approval.steps) == 1
    sign(approval, by=director(world), decision="approve")
    scrap.refresh_from_db()
    approval.refresh_from_db()
    assert scrap.state == "approved" and approval.status == ApprovalStatus.APPROVED
    assert Asset.objects.get(pk=scrap.asset_id).status == AssetStatus.SCRAPPED


def test_scrap_above_the_district_threshold_needs_the_district_officer(world):
    a = world.schools["a"]
    at_district = scrap_at(world, str(a.district_threshold))  # not above: principal suffices
    assert len(approval_of(at_district).steps) == 2
    scrap = scrap_at(world, str(a.district_threshold + Decimal("0.01")))
    approval = approval_of(scrap)
    assert len(approval.steps) == 3
    sign(approval, by=director(world), decision="approve")
    sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")
    scrap.refresh_from_db()
    assert scrap.state == "pending"
    with pytest.raises(PermissionDenied):
        sign(approval, by=world.user(Role.DISTRICT_OFFICER, "c"), decision="approve")  # another district
    sign(approval, by=world.user(Role.DISTRICT_OFFICER), decision="approve")
    scrap.refresh_from_db()
    assert scrap.state == "approved"


def test_scrap_of_a_bulk_quantity_uses_that_quantitys_value(world):
    desks = bulk(world.schools["a"])  # 40 × 320.00
    scrap = services.request_scrap(desks, by=director(world), reason="桌面破损", quantity=3)
    assert scrap.amount == Decimal("960.00") and scrap.quantity == 3
    assert len(approval_of(scrap).steps) == 1  # below 1000: the director alone
    desks.refresh_from_db()
    assert desks.quantity == 37 and desks.status == AssetStatus.IN_USE


def test_rejection_restores_the_previous_status(world):
    asset = AssetFactory(school=world.schools["a"], unit_price=Decimal("5000.00"))
    services.report_damage(asset, by=director(world), description="屏幕碎裂")
    scrap = services.request_scrap(asset, by=world.user(Role.KEEPER), reason="无修复价值")
    asset.refresh_from_db()
    assert asset.status == AssetStatus.PENDING_SCRAP and scrap.previous_status == AssetStatus.DAMAGED
    approval = approval_of(scrap)
    sign(approval, by=director(world), decision="approve")
    with pytest.raises(ValidationError):  # rejection needs a reason
        sign(approval, by=world.user(Role.PRINCIPAL), decision="reject")
    sign(approval, by=world.user(Role.PRINCIPAL), decision="reject", comment="可以修好")
    asset.refresh_from_db()
    scrap.refresh_from_db()
    assert asset.status == AssetStatus.DAMAGED and scrap.state == "rejected"
    assert asset.events.last().kind == EventKind.SCRAP_REJECTED
    with pytest.raises(ValidationError):
        services.dispose(scrap, by=director(world), method="recycle")


def test_dispose_only_after_approval(world):
    scrap = scrap_at(world, "500.00")
    with pytest.raises(ValidationError):
        services.dispose(scrap, by=director(world), method="sale", proceeds=Decimal("20.00"))
    sign(approval_of(scrap), by=director(world), decision="approve")
    with pytest.raises(ValidationError):
        services.dispose(scrap, by=director(world), method="sale", proceeds=Decimal("-1"))
    services.dispose(scrap, by=director(world), method="sale", proceeds=Decimal("20.00"), disposed_on=TODAY)
    scrap.refresh_from_db()
    assert (scrap.state, scrap.disposal_method, scrap.disposal_proceeds, scrap.disposed_on) == (
        "disposed", "sale", Decimal("20.00"), TODAY)
    with pytest.raises(ValidationError):
        services.dispose(scrap, by=director(world), method="sale")


def test_scrap_refusals(world):
    asset = AssetFactory(school=world.schools["a"])
    with pytest.raises(ValidationError):
        services.request_scrap(asset, by=director(world), reason="  ")
    services.request_scrap(asset, by=director(world), reason="老化")
    with pytest.raises(ValidationError):  # already pending
        services.request_scrap(asset, by=director(world), reason="老化")
    assert ScrapRequest.objects.count() == 1
    assert AssetEvent.objects.filter(asset=asset, kind=EventKind.SCRAP_REQUEST).count() == 1
