"""The one approval mechanism, proven on the example Voucher model (tests/exampleapp)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from houqin.core import approvals
from houqin.core.choices import ApprovalStatus, Role
from houqin.core.ledger import LedgerError
from houqin.core.models import Notification, SignOff
from tests.exampleapp.models import Voucher


def voucher(world, amount, school="a", buyer_role=Role.BUYER):
    return Voucher.objects.create(school=world.schools[school], title="采购投影机", amount=Decimal(amount),
                                  buyer=world.user(buyer_role, school))


def purchase(world, amount, school="a"):
    v = voucher(world, amount, school)
    return v, approvals.request_approval(v, "example.purchase", by=world.user(Role.BUYER, school), amount=v.amount)


def labels(approval):
    return [s["label"] for s in approval.steps]


@pytest.mark.parametrize(("amount", "steps"), [
    ("999.99", ["总务主任审核"]),
    ("1000.00", ["总务主任审核", "校长审批"]),
    ("50000.00", ["总务主任审核", "校长审批"]),
    ("50000.01", ["总务主任审核", "校长审批", "勤办审批"]),
])
def test_amount_thresholds_choose_the_steps(world, amount, steps):
    _, approval = purchase(world, amount)
    assert labels(approval) == steps


def test_thresholds_are_the_schools_own(world):
    school = world.schools["a"]
    school.principal_threshold = Decimal("500.00")
    school.save()
    _, approval = purchase(world, "500.00")
    assert labels(approval) == ["总务主任审核", "校长审批"]


def test_full_chain_approves_and_runs_the_callback(world):
    v, approval = purchase(world, "60000.00")
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        approvals.sign(approval, by=world.user(role), decision="approve", comment="同意")
        v.refresh_from_db()
        assert v.state == "draft"
    signoff = approvals.sign(approval, by=world.user(Role.DISTRICT_OFFICER), decision="approve")
    approval.refresh_from_db()
    v.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and v.state == "approved"
    assert signoff.role == Role.DISTRICT_OFFICER
    assert [(s.step, s.user.username, s.role) for s in approval.signoffs.all()] == [
        (0, "a.director", "director"), (1, "a.principal", "principal"), (2, "d1.officer", "district_officer")]
    assert Notification.objects.filter(recipient=world.user(Role.BUYER), title__contains="已通过").exists()


def test_wrong_role_cannot_sign(world):
    _, approval = purchase(world, "1000.00")
    with pytest.raises(PermissionDenied, match="总务主任"):
        approvals.sign(approval, by=world.user(Role.TEACHER), decision="approve")
    with pytest.raises(PermissionDenied):  # the principal's turn has not come
        approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")
    assert not SignOff.objects.exists()


def test_other_schools_director_cannot_sign(world):
    _, approval = purchase(world, "100.00")
    for school in ("b", "c"):
        with pytest.raises(PermissionDenied):
            approvals.sign(approval, by=world.user(Role.DIRECTOR, school), decision="approve")


def test_officer_of_another_district_cannot_sign(world):
    _, approval = purchase(world, "90000.00")
    approvals.sign(approval, by=world.user(Role.DIRECTOR), decision="approve")
    approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")
    with pytest.raises(PermissionDenied):
        approvals.sign(approval, by=world.user(Role.DISTRICT_OFFICER, "c"), decision="approve")


def test_reject_needs_a_reason_and_ends_the_approval(world):
    v, approval = purchase(world, "1000.00")
    with pytest.raises(ValidationError, match="理由"):
        approvals.sign(approval, by=world.user(Role.DIRECTOR), decision="reject", comment="  ")
    approvals.sign(approval, by=world.user(Role.DIRECTOR), decision="reject", comment="价格偏高，货比三家")
    approval.refresh_from_db()
    v.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED and v.state == "rejected"
    with pytest.raises(ValidationError, match="办结"):
        approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")


def test_acceptance_needs_two_distinct_people_not_the_buyer(world):
    v = voucher(world, "800.00")
    approval = approvals.request_approval(v, "example.acceptance", by=world.user(Role.BUYER))
    with pytest.raises(PermissionDenied, match="回避"):
        approvals.sign(approval, by=world.user(Role.BUYER), decision="approve")
    approvals.sign(approval, by=world.user(Role.KEEPER), decision="approve")
    with pytest.raises(PermissionDenied, match="另一人"):
        approvals.sign(approval, by=world.user(Role.KEEPER), decision="approve")
    v.refresh_from_db()
    assert v.state == "draft"
    approvals.sign(approval, by=world.user(Role.TEACHER), decision="approve")
    v.refresh_from_db()
    assert v.state == "accepted"


def test_a_second_pending_request_is_refused(world):
    v, _ = purchase(world, "10.00")
    with pytest.raises(ValidationError):
        approvals.request_approval(v, "example.purchase", by=world.user(Role.BUYER), amount=v.amount)


def test_withdraw_only_by_requester(world):
    _, approval = purchase(world, "10.00")
    with pytest.raises(PermissionDenied):
        approvals.withdraw(approval, by=world.user(Role.DIRECTOR))
    approvals.withdraw(approval, by=world.user(Role.BUYER))
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN
    assert not approvals.inbox(world.user(Role.DIRECTOR)).exists()


def test_inbox_follows_the_current_step(world):
    _, approval = purchase(world, "2000.00")
    director, principal = world.user(Role.DIRECTOR), world.user(Role.PRINCIPAL)
    assert list(approvals.inbox(director)) == [approval]
    assert not approvals.inbox(principal).exists()
    assert not approvals.inbox(world.user(Role.DIRECTOR, "b")).exists()
    approvals.sign(approval, by=director, decision="approve")
    assert not approvals.inbox(director).exists()
    assert list(approvals.inbox(principal)) == [approval]


def test_inbox_hides_what_the_user_may_not_sign(world):
    v = voucher(world, "800.00", buyer_role=Role.KEEPER)
    approval = approvals.request_approval(v, "example.acceptance", by=world.user(Role.BUYER))
    assert not approvals.inbox(world.user(Role.KEEPER)).exists()  # he bought it
    assert list(approvals.inbox(world.user(Role.TEACHER))) == [approval]
    approvals.sign(approval, by=world.user(Role.TEACHER), decision="approve")
    assert not approvals.inbox(world.user(Role.TEACHER)).exists()  # already signed this step
    assert list(approvals.inbox(world.user(Role.DIRECTOR))) == [approval]


def test_officer_inbox_covers_his_district_only(world):
    for school in ("a", "c"):
        _, approval = purchase(world, "60000.00", school)
        approvals.sign(approval, by=world.user(Role.DIRECTOR, school), decision="approve")
        approvals.sign(approval, by=world.user(Role.PRINCIPAL, school), decision="approve")
    assert [a.school.code for a in approvals.inbox(world.user(Role.DISTRICT_OFFICER, "a"))] == ["schoola"]


def test_signers_are_notified(world):
    purchase(world, "1500.00")
    assert Notification.objects.filter(recipient=world.user(Role.DIRECTOR), title__startswith="待您审批").count() == 1
    assert not Notification.objects.filter(recipient=world.user(Role.PRINCIPAL)).exists()


def unread_prompts(user):
    return Notification.objects.filter(recipient=user, title__startswith="待您审批", read_at__isnull=True).count()


def test_sign_prompts_are_read_once_nothing_more_is_asked(world):
    _, approval = purchase(world, "1500.00")
    director, principal = world.user(Role.DIRECTOR), world.user(Role.PRINCIPAL)
    assert (unread_prompts(director), unread_prompts(principal)) == (1, 0)
    approvals.sign(approval, by=director, decision="approve")
    assert (unread_prompts(director), unread_prompts(principal)) == (0, 1)
    approvals.sign(approval, by=principal, decision="approve")
    assert unread_prompts(principal) == 0
    # Two signers at one step: the first signer's prompt is read, his colleague's waits for him.
    v = voucher(world, "800.00", buyer_role=Role.KEEPER)
    acceptance = approvals.request_approval(v, "example.acceptance", by=world.user(Role.BUYER))
    teacher = world.user(Role.TEACHER)
    assert (unread_prompts(teacher), unread_prompts(director)) == (1, 1)
    approvals.sign(acceptance, by=teacher, decision="approve")
    assert (unread_prompts(teacher), unread_prompts(director)) == (0, 1)
    approvals.sign(acceptance, by=director, decision="approve")  # the step is complete
    assert not Notification.objects.filter(url=acceptance.get_absolute_url(), title__startswith="待您审批",
                                           read_at__isnull=True).exists()
    # A withdrawn request asks nothing of anyone.
    _, withdrawn = purchase(world, "20.00")
    assert unread_prompts(director) == 1
    approvals.withdraw(withdrawn, by=world.user(Role.BUYER))
    assert unread_prompts(director) == 0
    # The notice to the requester about the outcome is not a prompt, and stays unread.
    assert Notification.objects.filter(recipient=world.user(Role.BUYER), read_at__isnull=True,
                                       title__contains="已通过").exists()


def test_signoffs_are_append_only(world):
    _, approval = purchase(world, "10.00")
    signoff = approvals.sign(approval, by=world.user(Role.DIRECTOR), decision="approve")
    with pytest.raises(LedgerError):
        signoff.save()
    with pytest.raises(LedgerError):
        SignOff.objects.update(comment="改")
    with pytest.raises(LedgerError):
        signoff.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SignOff._meta.db_table} SET comment = 'forged'")


# --- pages -------------------------------------------------------------------


def test_inbox_and_sign_pages(world):
    v, approval = purchase(world, "1000.00")
    director = world.client(Role.DIRECTOR)
    page = director.get(reverse("core:approval_inbox"))
    assert page.status_code == 200 and "采购审批" in page.content.decode()
    detail = director.get(approval.get_absolute_url())
    assert "以 <strong>总务主任</strong> 身份签字" in detail.content.decode()
    response = director.post(reverse("core:approval_sign", args=[approval.pk]), {"decision": "approve"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.step == 1


def test_sign_page_refuses_with_a_message_and_writes_nothing(world):
    _, approval = purchase(world, "1000.00")
    teacher = world.client(Role.TEACHER)
    detail = teacher.get(approval.get_absolute_url())
    assert "须由总务主任签字" in detail.content.decode()
    response = teacher.post(reverse("core:approval_sign", args=[approval.pk]), {"decision": "approve"}, follow=True)
    assert "须由总务主任签字" in response.content.decode()
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("other", ["b", "c"])
def test_other_schools_approval_is_404(world, other):
    _, approval = purchase(world, "10.00", school=other)
    for role in (Role.DIRECTOR, Role.PRINCIPAL, Role.TEACHER):
        client = world.client(role, "a")
        assert client.get(approval.get_absolute_url()).status_code == 404
        assert client.post(reverse("core:approval_sign", args=[approval.pk]),
                           {"decision": "approve"}).status_code == 404
    assert not SignOff.objects.exists()
