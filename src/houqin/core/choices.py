"""Enumerations of the core app, and the base of every app's statuses."""

from enum import nonmember

from django.db import models


class StatusChoices(models.TextChoices):
    """A status: TextChoices whose members carry the colour of their badge on the pages
    (Bootstrap's text-bg-*), declared as `BADGES = nonmember({value: colour})`; a value
    without one is grey. Named groups of members (OPEN, CLOSED …) are tuples beside the class."""

    BADGES = nonmember({})

    @property
    def badge(self):
        return self.BADGES.get(self.value, "secondary")


class Role(models.TextChoices):
    PRINCIPAL = "principal", "校长"
    DIRECTOR = "director", "总务主任"
    KEEPER = "keeper", "仓管员"
    BUYER = "buyer", "采购员"
    ACCOUNTANT = "accountant", "会计"
    CANTEEN = "canteen", "食堂管理员"
    WORKER = "worker", "维修工"
    TEACHER = "teacher", "教师"
    GUARD = "guard", "门卫"
    DISTRICT_OFFICER = "district_officer", "勤办"


SCHOOL_ROLES = [r for r in Role if r != Role.DISTRICT_OFFICER]
# Roles that must use two-factor sign-in when the school asks for it.
TWO_FACTOR_ROLES = {Role.PRINCIPAL, Role.DIRECTOR, Role.ACCOUNTANT, Role.DISTRICT_OFFICER}


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", "教室"
    OFFICE = "office", "办公室"
    FUNCTION = "function", "功能室"
    CANTEEN = "canteen", "食堂"
    DORMITORY = "dormitory", "宿舍"
    WAREHOUSE = "warehouse", "仓库"
    OTHER = "other", "其他"


class Employment(models.TextChoices):
    STAFF = "staff", "在编教职工"
    CONTRACT = "contract", "合同工/临时工"


class Gender(models.TextChoices):
    MALE = "m", "男"
    FEMALE = "f", "女"


class CertificateKind(models.TextChoices):
    HEALTH = "health", "健康证"
    TRAINING = "training", "培训合格证"
    SPECIAL_EQUIPMENT = "special_equipment", "特种设备作业人员证"
    ELECTRICIAN = "electrician", "电工特种作业操作证"
    DRIVER = "driver", "驾驶证"
    SECURITY = "security", "保安员证"
    OTHER = "other", "其他"


class ApprovalStatus(StatusChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"

    BADGES = nonmember({"pending": "warning", "approved": "success", "rejected": "danger"})


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    REJECT = "reject", "不同意"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "照片"
    SCAN = "scan", "扫描件"
    DOCUMENT = "document", "文档"


class WebhookKind(models.TextChoices):
    NONE = "", "不推送"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
