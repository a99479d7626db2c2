"""Every app's statuses are StatusChoices: TextChoices with a badge colour per value, values
unchanged (they are stored)."""

import pytest

from houqin.assets.choices import AssetStatus, CompensationStatus
from houqin.core.choices import ApprovalStatus, StatusChoices
from houqin.maintenance.choices import Status, TaskStatus
from houqin.procurement.choices import AcceptanceStatus, OrderStatus, RequestStatus, VoucherStatus
from houqin.stock.choices import CountStatus, RequisitionStatus

STATUSES = [ApprovalStatus, AssetStatus, CompensationStatus, Status, TaskStatus, RequestStatus, OrderStatus,
            AcceptanceStatus, VoucherStatus, RequisitionStatus, CountStatus]
COLOURS = {"primary", "secondary", "success", "danger", "warning", "info", "dark"}


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.__name__)
def test_statuses_carry_a_badge_and_only_their_members(status):
    assert issubclass(status, StatusChoices)
    assert "BADGES" not in status.names and set(status.BADGES) <= set(status.values)
    assert {member.badge for member in status} <= COLOURS


def test_badges_and_values_are_unchanged():
    assert Status.SUBMITTED.badge == "danger" and Status("verified").badge == "success"
    assert AssetStatus.SCRAPPED.badge == "dark" and ApprovalStatus.WITHDRAWN.badge == "secondary"
    assert RequisitionStatus.values == ["draft", "pending", "approved", "partly_issued", "issued", "received",
                                        "rejected", "cancelled"]
