"""Every print page's 打印 button calls window.print (stubbed and counted here): the CSP
forbids inline handlers, so a button wired with onclick="window.print()" was dead."""

import datetime

import pytest
from django.urls import reverse

from .conftest import login
from .test_role_pages import watch


def print_pages(school):
    """The URL of every print page, with one of the demo school's records where it needs one."""
    from houqin.maintenance.models import WorkOrder
    from houqin.procurement.models import PurchaseOrder, Voucher
    from houqin.stock.models import Requisition

    def first(model):
        return model.objects.filter(school=school).order_by("pk").first().pk

    return [
        reverse("assets:labels"),
        reverse("procurement:purchaseorder_print", args=[first(PurchaseOrder)]),
        reverse("procurement:voucher_print", args=[first(Voucher)]),
        reverse("stock:requisition_print", args=[first(Requisition)]),
        reverse("maintenance:workorder_print", args=[first(WorkOrder)]),
        reverse("safety:hazard_print"),
        reverse("canteen:board_print"),
    ]


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_every_print_button_prints(page, flushable):
    from houqin.core.demo import build_demo
    from houqin.core.models import School

    build_demo(today=datetime.date(2026, 11, 21))
    pages = print_pages(School.objects.get(code="esyx"))
    page.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    problems = watch(page)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, "esyx.director", "houqin-demo")
    dead = []
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        page.click("#print")
        if page.evaluate("window.printed") != 1:
            dead.append(path)
    assert dead == []
    assert problems == []
