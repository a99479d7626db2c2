"""The acceptance walk of repairs (报修 → 派单 → 维修 → 报修人验收签字) on a phone.

A teacher reports the broken door of 六(3)班 with a photo; the director dispatches it to the
worker; the worker takes two hinges from the stock (the stock ledger shows them) and finishes;
the teacher verifies it. A second order is reopened by its reporter and finished again.
"""

import base64
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import login
from .test_stocktake import relogin, shot

# A 1×1 PNG: the photo of the door.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
                       "AAAABJRU5ErkJggg==")


@pytest.fixture
def clears_parts(empties_ledgers):
    """The parts rows point at stock movements (a ledger): delete them before the ledgers."""
    yield
    from houqin.maintenance.models import WorkOrderPart

    WorkOrderPart.objects.all().delete()


def open_action(page, name):
    """Unfold a secondary action; the record's primary actions are open already."""
    folded = page.locator(f"details.action-{name} > summary")
    if folded.count():
        folded.click()


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_repairs_on_a_phone(world, clears_parts, page):
    from django.contrib.contenttypes.models import ContentType

    from houqin.core.choices import Role
    from houqin.core.models import Attachment, Person
    from houqin.maintenance.models import WorkOrder
    from houqin.stock import services as stock
    from houqin.stock.models import Item, Movement, Warehouse
    from tests.factories import RoomFactory, SchoolClassFactory

    school = world.schools["a"]
    teacher = Person.objects.get(user=world.user(Role.TEACHER))
    worker = Person.objects.get(user=world.user(Role.WORKER))
    classroom = RoomFactory(school=school, name="六(3)班教室")
    SchoolClassFactory(school=school, grade=6, number=3, head_teacher=teacher, room=classroom)
    warehouse = Warehouse.objects.create(school=school, name="总务仓库")
    hinge = Item.objects.create(school=school, code="WJ-001", name="合页", spec="4寸", unit="个")
    stock.receive(warehouse=warehouse, item=hinge, quantity=10, unit_cost=Decimal("6.50"),
                  by=world.user(Role.KEEPER))

    # The teacher reports the door, the room already filled in from his class.
    login(page, "a.teacher")
    page.goto("/maintenance/orders/add/")
    expect(page.locator("#id_room")).to_have_value(str(classroom.pk))
    page.select_option("#id_category", label="门窗")
    page.fill("#id_description", "六(3)班教室门合页断了，门关不上")
    page.set_input_files("#id_photos", files=[{"name": "door.png", "mimeType": "image/png", "buffer": PNG}])
    shot(page, "maintenance-1-report")
    page.click("text=提交报修")
    expect(page.locator("body")).to_contain_text("已报修")
    order = WorkOrder.objects.get()
    assert order.room == classroom and order.reporter == world.user(Role.TEACHER)
    assert Attachment.objects.filter(content_type=ContentType.objects.get_for_model(WorkOrder),
                                     object_id=order.pk).count() == 1

    # The director dispatches it to the worker from the board.
    relogin(page, "a.director")
    page.goto("/maintenance/board/")
    expect(page.locator(".board")).to_contain_text(order.number)
    page.locator(".board form select").select_option(label=worker.name)
    page.locator(".board form button").click()
    expect(page.locator("body")).to_contain_text("已派单")
    order.refresh_from_db()
    assert order.status == "assigned" and order.worker == worker

    # The worker finds it in his jobs, takes two hinges from the stock and finishes.
    relogin(page, "a.worker")
    page.goto("/maintenance/my-jobs/")
    expect(page.locator(".job")).to_contain_text("六(3)班教室")
    page.click("text=办理")
    page.locator(".action-start button").click()
    expect(page.locator("body")).to_contain_text("已开始维修")
    open_action(page, "part")
    page.select_option("#id_part-warehouse", label="总务仓库")
    page.select_option("#id_part-item", label=str(hinge))
    page.fill("#id_part-quantity", "2")
    page.locator(".action-part button").click()
    expect(page.locator("table.parts")).to_contain_text("合页")
    open_action(page, "finish")
    page.fill("#id_finish-work_done", "周末更换两个合页，调整门框")
    page.fill("#id_finish-labour_hours", "1.5")
    shot(page, "maintenance-2-finish")
    page.locator(".action-finish button").click()
    expect(page.locator("body")).to_contain_text("待验收")

    # The stock ledger shows the two hinges issued for this order.
    issued = Movement.objects.get(item=hinge, quantity__lt=0)
    assert issued.quantity == -2 and issued.amount == Decimal("-13.00") and issued.source == order
    order.refresh_from_db()
    assert order.parts_cost == Decimal("13.00") and order.labour_hours == Decimal("1.5")

    # The teacher verifies it (报修人验收签字).
    relogin(page, "a.teacher")
    page.goto(order.get_absolute_url())
    page.click("text=修好了，验收签字")
    expect(page.locator("body")).to_contain_text("已验收签字")
    order.refresh_from_db()
    assert order.status == "verified" and order.verified_by == world.user(Role.TEACHER)

    # A second order: the reporter is not satisfied, it is reopened and finished again.
    page.goto("/maintenance/orders/add/")
    page.select_option("#id_category", label="水")
    page.fill("#id_description", "教学楼二楼男厕所水龙头漏水")
    page.click("text=提交报修")
    second = WorkOrder.objects.exclude(pk=order.pk).get()
    relogin(page, "a.director")
    page.goto(second.get_absolute_url())
    page.locator(".action-assign select").select_option(label=worker.name)
    page.locator(".action-assign button").click()
    relogin(page, "a.worker")
    page.goto(second.get_absolute_url())
    open_action(page, "finish")
    page.fill("#id_finish-work_done", "更换阀芯")
    page.locator(".action-finish button").click()
    relogin(page, "a.teacher")
    page.goto(second.get_absolute_url())
    open_action(page, "reopen")
    page.fill("#id_reopen-reason", "还在滴水")
    page.locator(".action-reopen button").click()
    expect(page.locator("body")).to_contain_text("已退回返修")
    relogin(page, "a.worker")
    page.goto(second.get_absolute_url())
    open_action(page, "finish")
    page.fill("#id_finish-work_done", "更换整个水龙头")
    page.locator(".action-finish button").click()
    relogin(page, "a.teacher")
    page.goto(second.get_absolute_url())
    page.click("text=修好了，验收签字")
    expect(page.locator(".events")).to_contain_text("返修")
    second.refresh_from_db()
    assert second.status == "verified" and second.reopen_count == 1
