"""Enumerations of the stock app (库房)."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class WarehouseKind(models.TextChoices):
    GENERAL = "general", "总务仓库"
    CANTEEN = "canteen", "食堂仓库"
    OTHER = "other", "其他"


class ItemCategory(models.TextChoices):
    """What the monthly spending report groups by (按月分类审核)."""

    OFFICE = "office", "办公用品"
    CLEANING = "cleaning", "清洁卫生用品"
    TEACHING = "teaching", "教学耗材"
    ELECTRONIC = "electronic", "电教耗材"
    REPAIR = "repair", "维修材料"
    SPORTS = "sports", "体育用品"
    FOOD = "food", "食品原料"
    KITCHEN = "kitchen", "食堂用品"
    OTHER = "other", "其他"


class ItemKind(models.TextChoices):
    CONSUMABLE = "consumable", "易耗品"
    DURABLE = "durable", "耐用品"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "入库"
    ISSUE = "issue", "领用出库"
    RETURN = "return", "退库"
    ADJUSTMENT = "adjustment", "盘点调整"
    TRANSFER_OUT = "transfer_out", "调拨出库"
    TRANSFER_IN = "transfer_in", "调拨入库"


class RequisitionStatus(StatusChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "待发放"
    PARTLY_ISSUED = "partly_issued", "部分发放"
    ISSUED = "issued", "已发放待签收"
    RECEIVED = "received", "已签收"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已取消"

    BADGES = nonmember({"draft": "secondary", "pending": "warning", "approved": "info", "partly_issued": "info",
                        "issued": "primary", "received": "success", "rejected": "danger", "cancelled": "dark"})


class CountStatus(StatusChoices):
    OPEN = "open", "盘点中"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已调整"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已取消"

    BADGES = nonmember({"open": "info", "pending": "warning", "approved": "success", "rejected": "danger",
                        "cancelled": "dark"})
