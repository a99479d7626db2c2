"""The gate on a phone-sized screen: a visitor logged in shows in “仍在校内” until logged out,
and the page never shows her identity number whole."""

import pytest

from houqin.core.choices import Role
from houqin.safety.models import GateEntry

from .conftest import login

ID = "422801198507220026"


@pytest.mark.django_db(transaction=True)
def test_a_visitor_in_and_out_on_a_phone(world, page):
    login(page, world.user(Role.GUARD).username)
    page.goto("/safety/gate/")
    page.fill("#id_name", "李秀英")
    page.fill("#id_id_number", ID)
    page.fill("#id_phone", "13972710002")
    page.fill("#id_reason", "家长来访")
    page.fill("#id_host", "六(3)班班主任")
    page.click("text=登记进校")
    page.wait_for_load_state()
    inside = page.locator(".on-campus")
    assert "李秀英" in inside.inner_text() and "****0026" in inside.inner_text()
    assert ID[:14] not in page.content()
    entry = GateEntry.objects.get(name="李秀英")
    assert entry.on_campus and entry.id_last4 == "0026"
    page.click(".on-campus button.leave")
    page.wait_for_load_state()
    assert "李秀英" not in page.locator(".on-campus").inner_text()
    assert GateEntry.objects.get(pk=entry.pk).status == "left"
    page.fill(".gate-lookup input[name=q]", "lxy")
    page.click(".gate-lookup button")
    page.wait_for_load_state()
    assert "李秀英" in page.locator(".returning").inner_text()
    assert ID[:14] not in page.content()
