"""Requisitions (领用): draft → submit → approval by amount (director; principal from the
school's threshold) → issue, possibly in part, through the ledger → the requester signs;
old-for-new items and the director's waiver; who may do what."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houqin.core.approvals import sign
from houqin.core.choices import ApprovalStatus, Role
from houqin.core.models import ApprovalRequest, Person
from houqin.core.rules import visible
from houqin.stock import services
from houqin.stock.choices import MovementKind, RequisitionStatus
from houqin.stock.models import Movement, Requisition

from .factories import ItemFactory, WarehouseFactory, requisition, stock

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shelf(world):
    """School a's store: 100 boxes of chalk at 5.00 and 10 tubes (以旧换新) at 20.00."""
    school, keeper = world.schools["a"], world.user(Role.KEEPER)
    warehouse = WarehouseFactory(school=school)
    chalk = ItemFactory(school=school, name="粉笔")
    tube = ItemFactory(school=school, name="日光灯管", unit="支", old_for_new=True)
    stock(school, quantity=100, unit_cost=D("5.00"), warehouse=warehouse, item=chalk, by=keeper)
    stock(school, quantity=10, unit_cost=D("20.00"), warehouse=warehouse, item=tube, by=keeper)
    return warehouse, chalk, tube


def approval(req):
    return ApprovalRequest.objects.filter(object_id=req.pk, policy="stock.requisition").latest("pk")


def approved(world, req):
    sign(approval(req), by=world.user(Role.DIRECTOR), decision="approve")
    req.refresh_from_db()
    return req


def test_the_whole_chain_with_a_partial_issue(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher, keeper = world.user(Role.TEACHER), world.user(Role.KEEPER)
    req = requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse, lines=[(chalk, D("10"), "")])
    assert (req.status, req.number[:2]) == (RequisitionStatus.DRAFT, "LY")
    services.submit_requisition(req, by=teacher)
    req.refresh_from_db()
    assert (req.status, req.amount) == (RequisitionStatus.PENDING, D("50.00"))
    assert [s["label"] for s in approval(req).steps] == ["总务主任审批"]
    approved(world, req)
    assert req.status == RequisitionStatus.APPROVED
    line = req.lines.get()
    services.issue_requisition(req, by=keeper, quantities={line.pk: D("4")})
    req.refresh_from_db()
    assert req.status == RequisitionStatus.PARTLY_ISSUED
    with pytest.raises(ValidationError, match="全部发放后才能签收"):
        services.confirm_receipt(req, by=teacher)
    with pytest.raises(ValidationError, match="最多还可发放 6"):
        services.issue_requisition(req, by=keeper, quantities={line.pk: D("7")})
    services.issue_requisition(req, by=keeper, quantities={line.pk: D("6")})
    req.refresh_from_db()
    assert req.status == RequisitionStatus.ISSUED
    movements = Movement.objects.filter(source_id=line.pk, source_type__model="requisitionline")
    assert [m.quantity for m in movements.order_by("id")] == [D("-4"), D("-6")]
    person = Person.objects.get(user=teacher, school=world.schools["a"])
    assert {(m.kind, m.person_id) for m in movements} == {(MovementKind.ISSUE, person.pk)}
    assert warehouse.balances.get(item=chalk).quantity == D("90")
    with pytest.raises(PermissionDenied, match="只有申请人本人可以签收"):
        services.confirm_receipt(req, by=keeper)
    services.confirm_receipt(req, by=teacher)
    req.refresh_from_db()
    assert req.status == RequisitionStatus.RECEIVED and req.received_at


@pytest.mark.parametrize(("quantity", "principal"), [(D("200"), True), (D("199.99"), False)])
def test_the_principal_signs_from_the_threshold(world, shelf, quantity, principal):
    warehouse, chalk, _tube = shelf  # 5.00 each: 200 boxes = 1,000.00 元
    teacher = world.user(Role.TEACHER)
    stock(world.schools["a"], quantity=200, unit_cost=D("5.00"), warehouse=warehouse, item=chalk)
    req = requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse, lines=[(chalk, quantity, "")],
                      submit=True)
    assert req.amount == (D("1000.00") if principal else D("999.95"))
    steps = [s["label"] for s in approval(req).steps]
    assert steps == (["总务主任审批", "校长审批"] if principal else ["总务主任审批"])
    approved(world, req)
    assert req.status == (RequisitionStatus.PENDING if principal else RequisitionStatus.APPROVED)
    if principal:
        sign(approval(req), by=world.user(Role.PRINCIPAL), decision="approve")
        req.refresh_from_db()
        assert req.status == RequisitionStatus.APPROVED


def test_rejected_can_be_changed_and_submitted_again(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher = world.user(Role.TEACHER)
    req = requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse, lines=[(chalk, D("50"), "")],
                      submit=True)
    sign(approval(req), by=world.user(Role.DIRECTOR), decision="reject", comment="数量过多")
    req.refresh_from_db()
    assert req.status == RequisitionStatus.REJECTED
    services.update_requisition(req, by=teacher, warehouse=warehouse, purpose="改为一周用量",
                                lines=[(chalk, D("5"), "")])
    services.submit_requisition(req, by=teacher)
    req.refresh_from_db()
    assert (req.status, req.amount) == (RequisitionStatus.PENDING, D("25.00"))
    assert ApprovalRequest.objects.filter(object_id=req.pk, policy="stock.requisition").count() == 2


def test_only_the_keeper_issues_and_only_when_approved(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher = world.user(Role.TEACHER)
    req = requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse, lines=[(chalk, D("1"), "")],
                      submit=True)
    line = req.lines.get()
    with pytest.raises(ValidationError, match="待审批"):
        services.issue_requisition(req, by=world.user(Role.KEEPER), quantities={line.pk: 1})
    approved(world, req)
    for role in (Role.TEACHER, Role.ACCOUNTANT, Role.BUYER):
        with pytest.raises(PermissionDenied, match="只有"):
            services.issue_requisition(req, by=world.user(role), quantities={line.pk: 1})
    other = requisition(world.schools["a"], warehouse=warehouse, lines=[(chalk, D("1"), "")])
    with pytest.raises(ValidationError, match="不属于该领用单"):
        services.issue_requisition(req, by=world.user(Role.KEEPER), quantities={other.lines.get().pk: 1})
    assert not Movement.objects.filter(kind=MovementKind.ISSUE).exists()


def test_issuing_more_than_in_stock_writes_nothing(world, shelf):
    warehouse, chalk, tube = shelf
    teacher, keeper = world.user(Role.TEACHER), world.user(Role.KEEPER)
    req = requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse,
                      lines=[(chalk, D("5"), ""), (ItemFactory(school=world.schools["a"], name="板擦"), D("3"), "")],
                      submit=True)
    approved(world, req)
    lines = list(req.lines.order_by("pk"))
    with pytest.raises(ValidationError, match="库存不足"):
        services.issue_requisition(req, by=keeper, quantities={lines[0].pk: 5, lines[1].pk: 3})
    req.refresh_from_db()
    assert req.status == RequisitionStatus.APPROVED
    assert [line.issued for line in req.lines.order_by("pk")] == [D("0"), D("0")]
    assert warehouse.balances.get(item=chalk).quantity == D("100")


def test_old_for_new_needs_the_old_item_or_the_directors_waiver(world, shelf):
    warehouse, _chalk, tube = shelf
    teacher, keeper, director = world.user(Role.TEACHER), world.user(Role.KEEPER), world.user(Role.DIRECTOR)
    req = approved(world, requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse,
                                      lines=[(tube, D("3"), "")], submit=True))
    line = req.lines.get()
    with pytest.raises(ValidationError, match="以旧换新：已交回旧物 0支，最多可发 0支"):
        services.issue_requisition(req, by=keeper, quantities={line.pk: 1})
    services.issue_requisition(req, by=keeper, quantities={line.pk: 2}, old_returned={line.pk: 2})
    line.refresh_from_db()
    assert (line.issued, line.old_returned) == (D("2"), D("2"))
    with pytest.raises(ValidationError, match="未交旧物须总务主任批准免交"):
        services.issue_requisition(req, by=keeper, quantities={line.pk: 1})
    with pytest.raises(PermissionDenied):
        services.waive_old(line, by=keeper, reason="旧灯管已碎")
    with pytest.raises(ValidationError, match="须写明理由"):
        services.waive_old(line, by=director, reason="  ")
    services.waive_old(line, by=director, reason="旧灯管已碎，无法交回")
    line.refresh_from_db()
    assert (line.old_waived_by, line.old_waiver_reason) == (director, "旧灯管已碎，无法交回")
    services.issue_requisition(req, by=keeper, quantities={line.pk: 1})
    req.refresh_from_db()
    assert req.status == RequisitionStatus.ISSUED


def test_old_returned_only_for_old_for_new_items(world, shelf):
    warehouse, chalk, _tube = shelf
    req = approved(world, requisition(world.schools["a"], requested_by=world.user(Role.TEACHER),
                                      warehouse=warehouse, lines=[(chalk, D("1"), "")], submit=True))
    line = req.lines.get()
    with pytest.raises(ValidationError, match="不是以旧换新物品"):
        services.issue_requisition(req, by=world.user(Role.KEEPER), quantities={line.pk: 1},
                                   old_returned={line.pk: 1})
    with pytest.raises(ValidationError, match="无需免交"):
        services.waive_old(line, by=world.user(Role.DIRECTOR), reason="x")


def test_bad_lines_are_refused_with_every_reason(world, shelf):
    warehouse, chalk, _tube = shelf
    school, teacher = world.schools["a"], world.user(Role.TEACHER)
    theirs = ItemFactory(school=world.schools["c"])
    with pytest.raises(ValidationError) as error:
        services.create_requisition(school, by=teacher, warehouse=warehouse, purpose="教学",
                                    lines=[(chalk, D("1"), ""), (chalk, D("0"), ""), (theirs, D("1"), "")])
    assert set(error.value.messages) == {"“粉笔（白色 50支/盒）”重复，请合并为一行",
                                         "“粉笔（白色 50支/盒）”的申领数量须大于零", "物品不属于本校"}
    with pytest.raises(ValidationError, match="请至少填写一项"):
        services.create_requisition(school, by=teacher, warehouse=warehouse, purpose="教学", lines=[])
    with pytest.raises(ValidationError, match="仓库不属于本校"):
        services.create_requisition(school, by=teacher, warehouse=WarehouseFactory(school=world.schools["b"]),
                                    purpose="教学", lines=[(chalk, D("1"), "")])
    assert not Requisition.objects.exists()


def test_only_the_requester_submits_changes_and_cancels(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher, director = world.user(Role.TEACHER), world.user(Role.DIRECTOR)
    req = requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse, lines=[(chalk, D("1"), "")])
    for action in (lambda by: services.submit_requisition(req, by=by),
                   lambda by: services.cancel_requisition(req, by=by),
                   lambda by: services.update_requisition(req, by=by, warehouse=warehouse, purpose="x",
                                                          lines=[(chalk, D("1"), "")])):
        with pytest.raises(PermissionDenied):
            action(director)
    services.submit_requisition(req, by=teacher)
    services.cancel_requisition(req, by=teacher)
    req.refresh_from_db()
    assert req.status == RequisitionStatus.CANCELLED
    assert approval(req).status == ApprovalStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="不能提交"):
        services.submit_requisition(req, by=teacher)


def test_a_partly_issued_requisition_cannot_be_cancelled(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher = world.user(Role.TEACHER)
    req = approved(world, requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse,
                                      lines=[(chalk, D("2"), "")], submit=True))
    services.issue_requisition(req, by=world.user(Role.KEEPER), quantities={req.lines.get().pk: 1})
    with pytest.raises(ValidationError, match="不能取消"):
        services.cancel_requisition(req, by=teacher)


def test_requester_sees_only_his_own(world, shelf):
    warehouse, chalk, _tube = shelf
    mine = requisition(world.schools["a"], requested_by=world.user(Role.TEACHER), warehouse=warehouse,
                       lines=[(chalk, D("1"), "")])
    theirs = requisition(world.schools["a"], requested_by=world.user(Role.WORKER), warehouse=warehouse,
                         lines=[(chalk, D("1"), "")])
    qs = Requisition.objects.all()

    def seen_by(role):
        return visible(qs, SimpleNamespace(user=world.user(role), school=world.schools["a"], roles={role}))

    assert list(seen_by(Role.TEACHER)) == [mine]
    for role in (Role.KEEPER, Role.DIRECTOR, Role.PRINCIPAL, Role.ACCOUNTANT):
        assert set(seen_by(role)) == {mine, theirs}


# --- 部分发放后结案 ---------------------------------------------------------------------------


def test_the_keeper_closes_a_partly_issued_requisition_short(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher, keeper = world.user(Role.TEACHER), world.user(Role.KEEPER)
    req = approved(world, requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse,
                                      lines=[(chalk, D("10"), "")], submit=True))
    line = req.lines.get()
    with pytest.raises(ValidationError, match="只有部分发放的领用单可以结案"):
        services.close_short(req, by=keeper, reason="缺货")
    services.issue_requisition(req, by=keeper, quantities={line.pk: D("4")})
    for role in (Role.ACCOUNTANT, Role.WORKER, Role.BUYER):
        with pytest.raises(PermissionDenied, match="只有申请人或仓管员"):
            services.close_short(req, by=world.user(role), reason="缺货")
    with pytest.raises(ValidationError, match="结案须写明原因"):
        services.close_short(req, by=keeper, reason="  ")
    req.refresh_from_db()
    assert (req.status, req.closed_short_at, req.closed_short_reason) == (RequisitionStatus.PARTLY_ISSUED, None, "")
    services.close_short(req, by=keeper, reason="缺货，本学期不再采购")
    req.refresh_from_db()
    assert (req.status, req.closed_short_by, req.closed_short_reason) == (
        RequisitionStatus.ISSUED, keeper, "缺货，本学期不再采购")
    assert req.closed_short_at is not None
    assert req.status_label() == "已发放待签收（结案：缺货，本学期不再采购）"
    # What was outstanding is no longer issuable; the requester signs for the 4 he got.
    with pytest.raises(ValidationError, match="不能发放"):
        services.issue_requisition(req, by=keeper, quantities={line.pk: D("1")})
    with pytest.raises(ValidationError, match="只有部分发放"):
        services.close_short(req, by=keeper, reason="再结一次")
    services.confirm_receipt(req, by=teacher)
    req.refresh_from_db()
    assert req.status == RequisitionStatus.RECEIVED
    assert warehouse.balances.get(item=chalk).quantity == D("96")
    assert req.lines.get().issued == D("4")


def test_the_requester_closes_his_own_short(world, shelf):
    warehouse, chalk, _tube = shelf
    teacher = world.user(Role.TEACHER)
    req = approved(world, requisition(world.schools["a"], requested_by=teacher, warehouse=warehouse,
                                      lines=[(chalk, D("3"), "")], submit=True))
    services.issue_requisition(req, by=world.user(Role.KEEPER), quantities={req.lines.get().pk: D("1")})
    services.close_short(req, by=teacher, reason="活动取消，不再需要")
    req.refresh_from_db()
    assert (req.status, req.closed_short_by) == (RequisitionStatus.ISSUED, teacher)
    assert req.history.first().closed_short_reason == "活动取消，不再需要"
