"""Who may do what in the stock app, added to the one rules table in core.

Goods move (入库、调拨、冲销) and requisitions are issued by the keeper, the director or the
principal; the director waives an old-for-new hand-back; the requester himself submits,
withdraws and signs for his requisition. Services check each step with core.rules.require."""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, own_rows, rule, step

KEEPERS = MANAGERS | {R.KEEPER}
# Roles that see every requisition of the school; anyone else sees only his own.
SEES_ALL_REQUISITIONS = KEEPERS | {R.ACCOUNTANT, R.DISTRICT_OFFICER}
# Who may waive the old-for-new hand-back (以旧换新): the director (and the principal above him).
WAIVERS = frozenset({R.DIRECTOR, R.PRINCIPAL})


def requester(requisition, user):
    return requisition.requested_by_id == user.pk


RULES.update({
    "stock.warehouse": rule(EVERYONE, add=KEEPERS, delete=MANAGERS, steps={
        "open_count": step(KEEPERS, "开始盘存"),
    }),
    "stock.item": rule(EVERYONE, add=KEEPERS, delete=()),
    "stock.stockbalance": rule(KEEPERS | {R.ACCOUNTANT, R.CANTEEN, R.BUYER}, add=()),
    "stock.batch": rule(KEEPERS | {R.ACCOUNTANT, R.CANTEEN}, add=()),
    # The ledger is written only by services: goods in and transfers, and reversals.
    "stock.movement": rule(KEEPERS | {R.ACCOUNTANT, R.CANTEEN}, add=(), steps={
        "post": step(KEEPERS, "办理出入库", refused="只有仓管员、总务主任或校长可以办理出入库"),
        "reverse": step(KEEPERS, "冲销出入库记录"),
    }),
    # Anyone may ask for supplies; what he then sees is narrowed to his own requisitions.
    "stock.requisition": rule(
        EVERYONE, add=EVERYONE, change=EVERYONE, delete=(),
        rows=own_rows(SEES_ALL_REQUISITIONS, lambda user: Q(requested_by=user)),
        steps={
            "edit": step((), "修改领用单", also=requester, refused="只有申请人可以修改领用单"),
            "submit": step((), "提交领用单", also=requester, refused="只有申请人可以提交领用单"),
            "cancel": step((), "取消领用单", also=requester, refused="只有申请人可以取消领用单"),
            "confirm": step((), "签收", also=requester, refused="只有申请人本人可以签收"),
            "issue": step(KEEPERS, "发放领用物品"),
            "return_old": step(KEEPERS, "登记交回旧物"),
            "waive": step(WAIVERS, "批准免交旧物"),
            "close": step(KEEPERS, "结案", also=requester, refused="只有申请人或仓管员（总务主任、校长）可以结案"),
        }),
    "stock.stockcount": rule(KEEPERS | {R.ACCOUNTANT}, add=KEEPERS, change=KEEPERS, delete=(), steps={
        "count": step(KEEPERS, "录入盘存数量"),
        "submit": step(KEEPERS, "提交盘存"),
        "cancel": step(KEEPERS, "取消盘存"),
    }),
})
