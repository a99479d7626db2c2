"""Enumerations of the procurement app (采购). Statuses carry a badge colour."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class Admission(models.TextChoices):
    ADMITTED = "admitted", "准入"
    SUSPENDED = "suspended", "暂停"


class LicenceKind(models.TextChoices):
    BUSINESS = "business", "营业执照"
    FOOD = "food", "食品经营许可证"
    OTHER = "other", "其他资质"


class RequestStatus(StatusChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准待下单"
    REJECTED = "rejected", "已驳回"
    ORDERED = "ordered", "已下单"
    ACCEPTED = "accepted", "已验收"
    REIMBURSED = "reimbursed", "已报销"

    BADGES = nonmember({"draft": "secondary", "pending": "warning", "approved": "info", "rejected": "danger",
                        "ordered": "primary", "accepted": "success", "reimbursed": "dark"})


class OrderStatus(StatusChoices):
    PLACED = "placed", "已下单待验收"
    ACCEPTING = "accepting", "验收中"
    ACCEPTED = "accepted", "已验收"

    BADGES = nonmember({"placed": "primary", "accepting": "warning", "accepted": "success"})


class AcceptanceStatus(StatusChoices):
    DRAFT = "draft", "填写中"
    PENDING = "pending", "待签字"
    APPROVED = "approved", "已验收入库"
    REJECTED = "rejected", "验收未通过"

    BADGES = nonmember({"draft": "secondary", "pending": "warning", "approved": "success", "rejected": "danger"})


class VoucherStatus(StatusChoices):
    SIGNING = "signing", "签字中"
    APPROVED = "approved", "已审核报销"
    REJECTED = "rejected", "已退回"

    BADGES = nonmember({"signing": "warning", "approved": "success", "rejected": "danger"})
