"""Who may do what in procurement, added to the one rules table in core.

The buyer (and the director, principal) draw up requests and orders; approvals are governed
by the approval policies; any school member may be chosen as one of the two acceptors, so
everyone may open an acceptance; the accountant audits vouchers; the district officer reads."""

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, OFFICE, RULES, rule, step

BUYERS = MANAGERS | {R.BUYER}
# Who works with suppliers and purchases day to day.
PROCUREMENT = OFFICE | {R.BUYER, R.CANTEEN}
# Who draws up requests: the buyer, and the canteen and the keeper for their own needs.
REQUESTERS = BUYERS | {R.CANTEEN, R.KEEPER}
# Who records a delivery's acceptance (not the signing, which the policy governs).
RECEIVERS = MANAGERS | {R.KEEPER, R.CANTEEN, R.BUYER}

RULES.update({
    # The school's quote threshold: shown on the school's page, changed like the school.
    "procurement.procurementsettings": RULES["core.school"],
    "procurement.supplier": rule(PROCUREMENT, add=BUYERS, delete=()),
    "procurement.licence": rule(PROCUREMENT, add=BUYERS | {R.KEEPER}, delete=MANAGERS),
    "procurement.designation": rule(PROCUREMENT, add=MANAGERS, delete=MANAGERS),
    # Ratings are given through the order's rate action (services.rate), never edited.
    "procurement.rating": rule(PROCUREMENT, add=()),
    "procurement.purchaserequest": rule(PROCUREMENT, add=REQUESTERS, delete=(), steps={
        "edit": step(REQUESTERS, "修改采购申请"),
    }),
    "procurement.purchaseorder": rule(PROCUREMENT, add=BUYERS, delete=()),
    "procurement.acceptance": rule(EVERYONE, add=RECEIVERS, delete=()),
    # Any acceptor signs the voucher as 验收人, so it is open to the school like the acceptance.
    "procurement.voucher": rule(EVERYONE, add=BUYERS | {R.ACCOUNTANT}, delete=()),
})
