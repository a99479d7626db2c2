"""The rules of the hazard ledger and the gate, each test named after the rule it enforces."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin.core.choices import Role
from houqin.core.ledger import LedgerError
from houqin.core.models import Notification
from houqin.core.services import attachments_of
from houqin.maintenance import services as maintenance
from houqin.maintenance.models import WorkOrder
from houqin.safety import services
from houqin.safety.choices import EntryStatus, HazardStatus
from houqin.safety.models import GateEntry, Hazard, HazardEvent, SafetySettings
from houqin.safety.tick import overdue_hazards

from .helpers import person, photo

pytestmark = pytest.mark.django_db


def reported(world, level="general", by=Role.TEACHER, school="a"):
    hazard = Hazard(school=world.schools[school], level=level, place="教学楼二楼走廊", description="应急照明灯不亮",
                    measure="warn")
    hazard = services.report(hazard, by=world.user(by, school), photos=[photo("before.png")])
    hazard.reported_at = timezone.now() - datetime.timedelta(days=10)  # found some days ago
    Hazard.objects.filter(pk=hazard.pk).update(reported_at=hazard.reported_at)
    return hazard


def assigned(world, deadline=None, **kwargs):
    hazard = reported(world, **kwargs)
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=3)
    return services.assign(hazard, by=world.user(Role.DIRECTOR), assignee=person(world, Role.WORKER),
                           deadline=deadline)


def rectified(world, **kwargs):
    hazard = assigned(world, **kwargs)
    return services.rectify(hazard, by=world.user(Role.WORKER), rectification="更换了应急灯", photos=[photo()])


# --- the closed loop ---------------------------------------------------------------------


def test_full_loop_closes_only_after_a_third_persons_recheck(world):
    hazard = rectified(world)
    assert hazard.status == HazardStatus.RECTIFIED
    assert [a.original_name for a in attachments_of(hazard)] == ["after.png", "before.png"]
    hazard = services.recheck(hazard, by=world.user(Role.PRINCIPAL), passed=True, note="复查合格")
    assert hazard.status == HazardStatus.CLOSED and hazard.checked_by == world.user(Role.PRINCIPAL)
    kinds = list(HazardEvent.objects.filter(hazard=hazard).values_list("kind", flat=True))
    assert kinds == ["report", "assign", "rectify", "pass"]


def test_recheck_refused_to_the_director_who_assigned_it(world):
    hazard = rectified(world)
    with pytest.raises(PermissionDenied, match="指派人以外"):
        services.recheck(hazard, by=world.user(Role.DIRECTOR), passed=True)
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.RECTIFIED


def test_recheck_refused_to_the_rectifier_even_when_he_is_the_reporter(world):
    hazard = rectified(world, by=Role.WORKER)  # the worker found it, then fixed it himself
    with pytest.raises(PermissionDenied, match="整改人以外"):
        services.recheck(hazard, by=world.user(Role.WORKER), passed=True)


def test_recheck_refused_to_the_principal_when_he_rectified_it(world):
    hazard = assigned(world)
    services.rectify(hazard, by=world.user(Role.PRINCIPAL), rectification="校长代为登记", photos=[photo()])
    with pytest.raises(PermissionDenied, match="整改人以外"):
        services.recheck(hazard, by=world.user(Role.PRINCIPAL), passed=True)


def test_the_reporter_may_recheck_and_others_may_not(world):
    hazard = rectified(world)
    with pytest.raises(PermissionDenied):
        services.recheck(hazard, by=world.user(Role.GUARD), passed=True)
    assert services.recheck(hazard, by=world.user(Role.TEACHER), passed=True).status == HazardStatus.CLOSED


def test_a_failed_recheck_reopens_it_to_the_same_person(world):
    hazard = rectified(world)
    with pytest.raises(ValidationError):
        services.recheck(hazard, by=world.user(Role.PRINCIPAL), passed=False, note="")
    hazard = services.recheck(hazard, by=world.user(Role.PRINCIPAL), passed=False, note="灯仍不亮")
    assert hazard.status == HazardStatus.ASSIGNED and hazard.reopen_count == 1
    assert hazard.assignee == person(world, Role.WORKER)
    assert Notification.objects.filter(recipient=world.user(Role.WORKER), title__contains="重新整改").exists()
    hazard = services.rectify(hazard, by=world.user(Role.WORKER), rectification="换了整灯", photos=[photo()])
    assert hazard.status == HazardStatus.RECTIFIED


def test_rectification_needs_an_after_photo_and_the_assignee(world):
    hazard = assigned(world)
    with pytest.raises(ValidationError, match="整改后的照片"):
        services.rectify(hazard, by=world.user(Role.WORKER), rectification="修好了", photos=[])
    with pytest.raises(PermissionDenied):
        services.rectify(hazard, by=world.user(Role.TEACHER), rectification="修好了", photos=[photo()])
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.ASSIGNED


def test_only_managers_assign_and_to_a_person_of_the_school(world):
    hazard = reported(world)
    deadline = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.assign(hazard, by=world.user(Role.TEACHER), assignee=person(world, Role.WORKER), deadline=deadline)
    with pytest.raises(ValidationError):
        services.assign(hazard, by=world.user(Role.DIRECTOR), assignee=person(world, Role.WORKER, "b"),
                        deadline=deadline)
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.REPORTED


def test_a_hazard_needing_repair_opens_a_work_order_and_is_rectified_by_its_verification(world):
    hazard = reported(world)
    hazard = services.assign(hazard, by=world.user(Role.DIRECTOR), assignee=person(world, Role.WORKER),
                             deadline=timezone.localdate(), repair={"category": "power"})
    order = WorkOrder.objects.get(pk=hazard.work_order_id)
    assert order.reporter == world.user(Role.DIRECTOR) and order.category == "power"
    assert hazard.number in order.description
    maintenance.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    maintenance.finish(order, by=world.user(Role.WORKER), work_done="更换应急灯电池")
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.ASSIGNED  # done is not verified
    maintenance.verify(order, by=world.user(Role.DIRECTOR))
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.status == HazardStatus.RECTIFIED and hazard.rectified_by == world.user(Role.WORKER)
    assert "更换应急灯电池" in hazard.rectification
    with pytest.raises(PermissionDenied):
        services.recheck(hazard, by=world.user(Role.DIRECTOR), passed=True)
    assert services.recheck(hazard, by=world.user(Role.PRINCIPAL), passed=True).status == HazardStatus.CLOSED


def test_a_major_hazard_reaches_the_district_officer_when_reported(world):
    reported(world, level="major")
    assert Notification.objects.filter(recipient=world.user(Role.DISTRICT_OFFICER), title__contains="重大").exists()
    assert not Notification.objects.filter(recipient=world.user(Role.DISTRICT_OFFICER, "c")).exists()


def test_the_trail_is_append_only(world):
    event = HazardEvent.objects.filter(hazard=reported(world)).first()
    with pytest.raises(LedgerError):
        event.save()
    with pytest.raises(LedgerError):
        HazardEvent.objects.all().delete()


def test_the_default_deadline_follows_the_schools_setting(world):
    a = world.schools["a"]
    SafetySettings.objects.create(school=a, deadline_days_major=2)
    hazard = Hazard.objects.select_related("school").get(pk=reported(world, level="major").pk)
    today = datetime.date(2026, 12, 1)
    assert hazard.default_deadline(today) == datetime.date(2026, 12, 3)
    assert reported(world, school="b").default_deadline(today) == datetime.date(2026, 12, 8)  # default 7


# --- escalation ---------------------------------------------------------------------------


def test_overdue_escalates_once_to_director_and_principal(world):
    hazard = assigned(world, deadline=timezone.localdate())
    today = timezone.localdate()
    assert overdue_hazards(today) == "逾期隐患上报 0 项"  # due today is not overdue
    tomorrow = today + datetime.timedelta(days=1)
    assert overdue_hazards(tomorrow) == "逾期隐患上报 1 项"
    assert overdue_hazards(tomorrow) == "逾期隐患上报 0 项"
    assert overdue_hazards(tomorrow + datetime.timedelta(days=5)) == "逾期隐患上报 0 项"
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        assert Notification.objects.filter(recipient=world.user(role), title__contains="逾期").count() == 1
    assert not Notification.objects.filter(recipient=world.user(Role.DISTRICT_OFFICER), title__contains="逾期")
    assert HazardEvent.objects.filter(hazard=hazard, kind="escalate").count() == 1


def test_an_overdue_major_hazard_reaches_the_district_officer_once(world):
    assigned(world, level="major", deadline=timezone.localdate())
    later = timezone.localdate() + datetime.timedelta(days=2)
    overdue_hazards(later), overdue_hazards(later)
    officer = world.user(Role.DISTRICT_OFFICER)
    assert Notification.objects.filter(recipient=officer, title__contains="逾期").count() == 1


def test_overdue_reaches_the_principals_home_page(world):
    assigned(world, deadline=timezone.localdate() - datetime.timedelta(days=1))
    overdue_hazards(timezone.localdate())
    response = world.client(Role.PRINCIPAL).get(reverse("core:home"))
    titles = [p.title for p in response.context["panels"]]
    assert "逾期未整改的隐患" in titles
    text = response.content.decode()
    assert text.count("逾期未整改（期限") == 1  # the one notification, in the unread panel


# --- the gate -----------------------------------------------------------------------------

ID = "422801198003150012"


def logged(world, **kwargs):
    entry = GateEntry(school=world.schools["a"], name="张建国", phone="13972710001", reason="送教材", host="教务处",
                      **kwargs)
    return services.log_in(entry, by=world.user(Role.GUARD), id_number=ID)


def test_the_id_number_is_never_stored_whole(world):
    entry = logged(world)
    stored = GateEntry.objects.filter(pk=entry.pk).values().first()
    history = list(entry.history.values())
    assert entry.id_masked == "****0012"
    assert not any(ID in str(v) or ID[:14] in str(v) for row in [stored, *history] for v in row.values())
    assert entry.id_digest == services.id_digest(entry.school, ID.lower())  # the same card is recognised


def test_the_id_number_is_masked_on_every_page_and_export(world):
    entry = logged(world)
    client = world.client(Role.GUARD)
    for page in (reverse("safety:gate"), reverse("safety:gateentry_list"), entry.get_absolute_url(),
                 reverse("safety:gateentry_edit", args=[entry.pk]), reverse("safety:gate") + "?q=张",
                 reverse("safety:gate") + f"?again={entry.pk}"):
        text = client.get(page).content.decode()
        assert ID[:14] not in text and entry.id_digest not in text, page
    assert "****0012" in client.get(entry.get_absolute_url()).content.decode()
    export = client.get(reverse("safety:gateentry_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "****0012" in cells and not any(ID[:14] in c or entry.id_digest in c for c in cells)


def test_a_rejected_form_does_not_echo_the_id_number(world):
    response = world.client(Role.GUARD).post(reverse("safety:gateentry_add"),
                                             {"kind": "visitor", "name": "", "id_number": ID, "people": 1})
    assert response.status_code == 200 and response.context["form"].errors
    assert ID not in response.content.decode()


def test_a_visitor_is_on_campus_between_in_and_out(world):
    entry = logged(world)
    qs = GateEntry.objects.filter(school=world.schools["a"])
    assert list(services.still_on_campus(qs)) == [entry]
    services.log_out(entry, by=world.user(Role.GUARD))
    assert list(services.still_on_campus(qs)) == []
    with pytest.raises(ValidationError):
        services.log_out(entry, by=world.user(Role.GUARD))


def test_a_refused_entry_keeps_its_reason_and_is_not_on_campus(world):
    entry = services.log_in(GateEntry(school=world.schools["a"], name="推销人员"), by=world.user(Role.GUARD),
                            refused_reason="无预约")
    assert entry.status == EntryStatus.REFUSED and entry.refusal_reason == "无预约"
    assert not services.still_on_campus(GateEntry.objects.all()).exists()


def test_only_the_gate_keeps_the_gate(world):
    with pytest.raises(PermissionDenied):
        services.log_in(GateEntry(school=world.schools["a"], name="某人"), by=world.user(Role.TEACHER))
    entry = logged(world)
    with pytest.raises(PermissionDenied):
        services.log_out(entry, by=world.user(Role.TEACHER))


def test_a_returning_visitor_or_plate_is_found_by_its_first_characters(world):
    logged(world)
    logged(world, kind="vehicle", plate="鄂q 3a721")
    services.log_in(GateEntry(school=world.schools["b"], name="张别校"), by=world.user(Role.GUARD, "b"))
    qs = GateEntry.objects.filter(school=world.schools["a"])
    assert [e.name for e in services.returning(qs, "张")] == ["张建国", "张建国"]  # on foot and by car
    assert [e.plate for e in services.returning(qs, "鄂Q3")] == ["鄂Q3A721"]
    assert {e.name for e in services.returning(qs, "zj")} == {"张建国"}
    assert services.returning(qs, "王") == []
