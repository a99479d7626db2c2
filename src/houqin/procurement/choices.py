"""Enumerations of the procurement app (采购). Statuses carry a badge colour."""

from django.db import models


class Admission(models.TextChoices):
    ADMITTED = "admitted", "准入"
    SUSPENDED = "suspended", "暂停"


class LicenceKind(models.TextChoices):
    BUSINESS = "business", "营业执照"
    FOOD = "food", "食品经营许可证"
    OTHER = "other", "其他资质"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准待下单"
    REJECTED = "rejected", "已驳回"
    ORDERED = "ordered", "已下单"
    ACCEPTED = "accepted", "已验收"
    REIMBURSED = "reimbursed", "已报销"

    @property
    def badge(self):
        return {"draft": "secondary", "pending": "warning", "approved": "info", "rejected": "danger",
                "ordered": "primary", "accepted": "success", "reimbursed": "dark"}[self.value]


class OrderStatus(models.TextChoices):
    PLACED = "placed", "已下单待验收"
    ACCEPTING = "accepting", "验收中"
    ACCEPTED = "accepted", "已验收"

    @property
    def badge(self):
        return {"placed": "primary", "accepting": "warning", "accepted": "success"}[self.value]


class AcceptanceStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    PENDING = "pending", "待签字"
    APPROVED = "approved", "已验收入库"
    REJECTED = "rejected", "验收未通过"

    @property
    def badge(self):
        return {"draft": "secondary", "pending": "warning", "approved": "success", "rejected": "danger"}[self.value]


class VoucherStatus(models.TextChoices):
    SIGNING = "signing", "签字中"
    APPROVED = "approved", "已审核报销"
    REJECTED = "rejected", "已退回"

    @property
    def badge(self):
        return {"signing": "warning", "approved": "success", "rejected": "danger"}[self.value]
