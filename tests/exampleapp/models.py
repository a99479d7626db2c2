"""A small model that uses the core approval mechanism the way modules will: a purchase
voucher approved by amount, and its acceptance by two people who are not the buyer."""

from django.conf import settings
from django.db import models

from houqin.core import approvals
from houqin.core.choices import Role
from houqin.core.ledger import LedgerEntry
from houqin.core.models import SchoolOwned


class Voucher(SchoolOwned):
    title = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, default="draft")

    def __str__(self):
        return self.title


class CashEntry(LedgerEntry):
    """An append-only money ledger, as finance and stock will have."""

    REVERSED_FIELDS = ("amount",)
    school = models.ForeignKey("core.School", models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    memo = models.CharField(max_length=100)


def _set_state(state):
    def callback(voucher, approval, by):
        voucher.state = state
        voucher.save(update_fields=["state"])

    return callback


PURCHASE = approvals.register(approvals.Policy(
    key="example.purchase", label="采购审批",
    steps=(
        approvals.Step("总务主任审核", frozenset({Role.DIRECTOR})),
        approvals.Step("校长审批", frozenset({Role.PRINCIPAL}), when=approvals.amount_at_least("principal_threshold")),
        approvals.Step("勤办审批", frozenset({Role.DISTRICT_OFFICER}),
                       when=approvals.amount_above("district_threshold")),
    ),
    on_approved=_set_state("approved"), on_rejected=_set_state("rejected"),
))

ACCEPTANCE = approvals.register(approvals.Policy(
    key="example.acceptance", label="验收",
    steps=(approvals.Step("验收", frozenset({Role.DIRECTOR, Role.KEEPER, Role.TEACHER, Role.BUYER}), signers=2),),
    not_signed_by=("buyer",),
    on_approved=_set_state("accepted"),
))
