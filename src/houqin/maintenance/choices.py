"""Enumerations of the maintenance app (维修). Statuses carry a badge colour and groups."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class Category(models.TextChoices):
    WATER = "water", "水"
    POWER = "power", "电"
    DOOR = "door", "门窗"
    FURNITURE = "furniture", "桌椅"
    NETWORK = "network", "网络"
    PHONE = "phone", "电话"
    AIRCON = "aircon", "空调"
    GAS = "gas", "燃气"
    MEDIA = "media", "电教/多媒体"  # projectors, whiteboards, the broadcast system
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class Status(StatusChoices):
    SUBMITTED = "submitted", "待派单"
    ASSIGNED = "assigned", "已派单"
    IN_PROGRESS = "in_progress", "维修中"
    DONE = "done", "待验收"
    VERIFIED = "verified", "已验收"
    CANCELLED = "cancelled", "已取消"

    BADGES = nonmember({"submitted": "danger", "assigned": "warning", "in_progress": "info",
                        "done": "primary", "verified": "success", "cancelled": "secondary"})


OPEN = (Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS)
CLOSED = (Status.VERIFIED, Status.CANCELLED)


class EventKind(models.TextChoices):
    SUBMIT = "submit", "报修"
    ASSIGN = "assign", "派单"
    START = "start", "开始维修"
    PART = "part", "领用材料"
    FINISH = "finish", "完工"
    VERIFY = "verify", "验收"
    AUTO_VERIFY = "auto_verify", "自动验收"
    REOPEN = "reopen", "返修"
    CANCEL = "cancel", "取消"
    NOTE = "note", "补充情况"


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", "每周"
    HALF_MONTHLY = "half_monthly", "每半月"
    MONTHLY = "monthly", "每月"
    TERMLY = "termly", "每学期（开学）"
    BEFORE_SUMMER = "before_summer", "进入夏季前"
    BEFORE_VACATION = "before_vacation", "每次放假前"


class TargetKind(models.TextChoices):
    ROOMS = "rooms", "房间"
    ASSET_CATEGORY = "asset_category", "资产类别"
    EQUIPMENT = "equipment", "特种设备"


class TaskStatus(StatusChoices):
    OPEN = "open", "待检查"
    DONE = "done", "已检查"

    BADGES = nonmember({"open": "warning", "done": "success"})


class EquipmentKind(models.TextChoices):
    ELEVATOR = "elevator", "电梯"
    BOILER = "boiler", "锅炉"
    PRESSURE_VESSEL = "pressure_vessel", "压力容器"
    OTHER = "other", "其他特种设备"


class RecordKind(models.TextChoices):
    MAINTENANCE = "maintenance", "维保"
    INSPECTION = "inspection", "年检"
