"""Issue 16 item 6: the 报修人 rates a finished repair (1–5, a comment) when signing it off, on the
page and through the API; the statistics page shows the average per worker and per contractor."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.models import Person
from houqin.core.tokens import issue
from houqin.maintenance import services
from houqin.maintenance.choices import Status
from houqin.maintenance.models import WorkOrder
from houqin.maintenance.stats import ratings

from .test_services import new_order

pytestmark = pytest.mark.django_db


def done_order(world, worker_role=Role.WORKER, contractor=""):
    order = new_order(world)
    director = world.user(Role.DIRECTOR)
    if contractor:
        services.assign(order, by=director, contractor=contractor)
        services.finish(order, by=director, work_done="外包修好", outsourced_cost=Decimal("100"),
                        invoice_number="FP-001")
    else:
        worker = Person.objects.get(user=world.user(worker_role))
        services.assign(order, by=director, worker=worker)
        services.finish(order, by=world.user(worker_role), work_done="修好了")
    return WorkOrder.objects.get(pk=order.pk)


def test_the_reporter_rates_when_signing_off_on_the_page(world):
    order = done_order(world)
    page = world.client(Role.TEACHER).get(order.get_absolute_url()).content.decode()
    assert 'name="verify-rating"' in page and "评价（可选）" in page
    response = world.client(Role.TEACHER).post(reverse("maintenance:workorder_verify", args=[order.pk]),
                                               {"verify-rating": "4", "verify-comment": "很快"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rating, order.rating_comment) == (Status.VERIFIED, 4, "很快")
    assert "4" in world.client(Role.TEACHER).get(order.get_absolute_url()).content.decode()


def test_a_rating_is_optional_and_only_the_reporters(world):
    order = done_order(world)
    with pytest.raises(ValidationError, match="只有报修人本人可以评分"):
        services.verify(order, by=world.user(Role.DIRECTOR), rating=1)
    with pytest.raises(ValidationError, match="1–5"):
        services.verify(order, by=world.user(Role.TEACHER), rating=6)
    with pytest.raises(ValidationError, match="请先选择评分"):
        services.verify(order, by=world.user(Role.TEACHER), comment="一般")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DONE  # nothing half-written
    services.verify(order, by=world.user(Role.DIRECTOR))  # the director signs in his place, unrated
    order.refresh_from_db()
    assert order.status == Status.VERIFIED and order.rating is None


def test_a_rating_out_of_range_on_the_page_is_a_chinese_form_error(world):
    order = done_order(world)
    response = world.client(Role.TEACHER).post(reverse("maintenance:workorder_verify", args=[order.pk]),
                                               {"verify-rating": "9"}, follow=True)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DONE
    assert "评分" in " ".join(str(m) for m in response.context["messages"])


def test_the_api_takes_the_rating(world):
    from rest_framework.test import APIClient

    order = done_order(world)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(world.user(Role.TEACHER))}")
    bad = client.post(f"/api/v1/work-orders/{order.pk}/verify/", {"rating": 0}, format="json")
    assert bad.status_code == 400 and "rating" in bad.json()
    ok = client.post(f"/api/v1/work-orders/{order.pk}/verify/", {"rating": 5, "comment": "满意"}, format="json")
    assert ok.status_code == 200, ok.content
    assert (ok.json()["rating"], ok.json()["rating_comment"]) == (5, "满意")


def test_a_repair_rated_2_lowers_its_workers_average_on_the_statistics_page(world):
    for rating in (5, 4):
        services.verify(done_order(world), by=world.user(Role.TEACHER), rating=rating)
    services.verify(done_order(world, contractor="红星维修部"), by=world.user(Role.TEACHER), rating=3)
    today = timezone.localdate()
    worker = Person.objects.get(user=world.user(Role.WORKER)).name
    orders = WorkOrder.objects.filter(school=world.schools["a"])
    assert ratings(orders, today, today) == [("红星维修部", "外包单位", 1, Decimal("3.0")),
                                             (worker, "维修工", 2, Decimal("4.5"))]
    services.verify(done_order(world), by=world.user(Role.TEACHER), rating=2)
    assert (worker, "维修工", 3, Decimal("3.7")) in ratings(orders, today, today)
    page = world.client(Role.DIRECTOR).get(reverse("maintenance:statistics")).content.decode()
    table = page[page.index('class="table table-sm ratings"'):]
    assert worker in table and "3.7" in table and "红星维修部" in table
