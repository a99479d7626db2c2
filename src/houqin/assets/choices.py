"""Enumerations of the assets app (校产)."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class HoldingKind(models.TextChoices):
    INDIVIDUAL = "individual", "单件（有标签）"
    BULK = "bulk", "批量（按数量）"


class AssetStatus(StatusChoices):
    IN_USE = "in_use", "在用"
    IDLE = "idle", "闲置"
    LENT = "lent", "借出"
    IN_REPAIR = "in_repair", "维修中"
    DAMAGED = "damaged", "损坏"
    PENDING_SCRAP = "pending_scrap", "报废审批中"
    SCRAPPED = "scrapped", "已报废"
    LOST = "lost", "丢失"

    BADGES = nonmember({"in_use": "success", "idle": "secondary", "lent": "info", "in_repair": "warning",
                        "damaged": "danger", "pending_scrap": "warning", "scrapped": "dark", "lost": "dark"})


# Holdings that still count in the register (总帐): everything not written off.
ON_BOOKS = [s for s in AssetStatus if s not in (AssetStatus.SCRAPPED, AssetStatus.LOST)]


class FundingSource(models.TextChoices):
    BUDGET = "budget", "财政拨款"
    PUBLIC_FUNDS = "public_funds", "公用经费"
    SPECIAL = "special", "专项经费"
    DONATION = "donation", "捐赠"
    SELF_RAISED = "self_raised", "自筹"
    OTHER = "other", "其他"


class EventKind(models.TextChoices):
    REGISTER = "register", "登记"
    MOVE = "move", "调拨"
    SPLIT = "split", "拆分"
    LEND = "lend", "借出"
    RETURN = "return", "归还"
    DAMAGE = "damage", "报损"
    REPAIR = "repair", "送修"
    REPAIRED = "repaired", "修复"
    SCRAP_REQUEST = "scrap_request", "申请报废"
    SCRAP = "scrap", "报废"
    SCRAP_REJECTED = "scrap_rejected", "报废未批准"
    LOST = "lost", "丢失"
    STOCKTAKE = "stocktake", "盘点调整"
    EDIT = "edit", "修改"


class CompensationStatus(StatusChoices):
    PENDING = "pending", "待赔偿"
    PAID = "paid", "已赔偿"
    WAIVED = "waived", "已免赔"


class DisposalMethod(models.TextChoices):
    SALE = "sale", "出售"
    AUCTION = "auction", "拍卖"
    TRANSFER = "transfer", "无偿调拨"
    DONATION = "donation", "对外捐赠"
    DESTROY = "destroy", "报废销毁"
    RECYCLE = "recycle", "回收"


class StocktakeStatus(StatusChoices):
    OPEN = "open", "盘点中"
    CLOSED = "closed", "已结束待审批"
    ADJUSTED = "adjusted", "已调整"
    CANCELLED = "cancelled", "已取消"


class LineResult(models.TextChoices):
    PENDING = "pending", "未盘"
    FOUND = "found", "相符"
    MISSING = "missing", "盘亏"
    SURPLUS = "surplus", "盘盈"
    DAMAGED = "damaged", "损坏"
