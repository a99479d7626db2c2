"""Role-first pages on a phone (390×844): the teacher reports a repair from his home in four
taps and sees its status at the top of the order; the worker finishes a job without scrolling
past a field list; lists are cards; no console error and no CSP violation on the way."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE
from .test_maintenance import PNG
from .test_stocktake import relogin


def watch(page):
    """Console errors and page errors (a CSP violation is reported as a console error)."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def above_the_fold(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.django_db(transaction=True)
def test_teacher_reports_in_four_taps_and_worker_finishes_from_the_top(world, page):
    from houqin.core.choices import Role
    from houqin.core.models import Person
    from houqin.maintenance import services
    from houqin.maintenance.models import WorkOrder
    from tests.factories import RoomFactory, SchoolClassFactory

    school = world.schools["a"]
    teacher = Person.objects.get(user=world.user(Role.TEACHER))
    classroom = RoomFactory(school=school, name="六(3)班教室")
    SchoolClassFactory(school=school, grade=6, number=3, head_teacher=teacher, room=classroom)
    problems = watch(page)

    from .conftest import login

    login(page, "a.teacher")
    page.goto("/")
    big = page.locator("#home-shortcuts a.btn-lg").first
    expect(big).to_contain_text("报修")
    assert above_the_fold(page, "#home-shortcuts a.btn-lg")
    assert big.bounding_box()["height"] >= 48  # a thumb-sized target
    big.click()                                                  # tap 1: 报修
    page.select_option("#id_category", label="门窗")              # tap 2: what is broken
    page.fill("#id_description", "教室门关不上")                   # (typing, the room is already his class's)
    page.set_input_files("#id_photos", files=[{"name": "door.png", "mimeType": "image/png", "buffer": PNG}])  # tap 3
    expect(page.locator("[data-file-names]")).to_have_text("door.png")  # beside the 选择文件 button
    page.click("text=提交报修")                                    # tap 4
    expect(page.locator(".record-status")).to_have_text("待派单")
    assert above_the_fold(page, ".record-status")
    expect(page.locator(".record-photos img")).to_be_visible()
    order = WorkOrder.objects.get()
    assert order.room == classroom

    worker = Person.objects.get(user=world.user(Role.WORKER))
    services.assign(order, by=world.user(Role.DIRECTOR), worker=worker)
    relogin(page, "a.worker")
    page.goto(order.get_absolute_url())
    start = page.locator(".action-start button")
    assert start.bounding_box()["y"] < page.locator(".record-fields").first.bounding_box()["y"]
    assert above_the_fold(page, ".action-start button")
    start.click()
    expect(page.locator(".record-status")).to_have_text("维修中")
    finish = page.locator("#id_finish-work_done")
    assert finish.bounding_box()["y"] < page.locator(".record-fields").first.bounding_box()["y"]
    finish.fill("更换合页")
    page.locator(".action-finish button").click()
    expect(page.locator(".record-status")).to_have_text("待验收")

    relogin(page, "a.director")
    page.goto("/maintenance/orders/")
    card = page.locator("table.table-cards tbody tr").first
    expect(page.locator("table.table-cards thead")).to_be_hidden()  # cards, not a squeezed table
    expect(card.locator("td.card-status")).to_have_text("待验收")
    expect(card.locator("td.card-more").first).to_be_hidden()
    assert card.bounding_box()["width"] <= PHONE["width"]
    assert not problems, problems
