"""Enumerations of the safety app (安全): the hazard ledger and the gate log."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class Level(models.TextChoices):
    """隐患等级 (domain-rules §6: 隐患清单 + 台账 + 限期整改)."""

    GENERAL = "general", "一般"
    LARGER = "larger", "较大"
    MAJOR = "major", "重大"


class Source(models.TextChoices):
    REPORT = "report", "随手报"
    PATROL = "patrol", "巡查发现"
    CHECK = "check", "安全检查"
    INSPECTION = "inspection", "上级检查"


class Measure(models.TextChoices):
    """The immediate measure (S4 第25、26条: 隐患设施停用、设警示)."""

    NONE = "none", "无"
    STOP = "stop", "停用"
    WARN = "warn", "设置警示"
    STOP_WARN = "stop_warn", "停用并设警示"


class HazardStatus(StatusChoices):
    REPORTED = "reported", "待指派"
    ASSIGNED = "assigned", "整改中"
    RECTIFIED = "rectified", "待复查"
    CLOSED = "closed", "已销号"

    BADGES = nonmember({"reported": "danger", "assigned": "warning", "rectified": "primary", "closed": "success"})


OPEN = (HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFIED)


class HazardEventKind(models.TextChoices):
    REPORT = "report", "上报"
    ASSIGN = "assign", "指派整改"
    WORK_ORDER = "work_order", "转报修"
    RECTIFY = "rectify", "整改完成"
    PASS = "pass", "复查合格，销号"
    FAIL = "fail", "复查不合格，重新整改"
    ESCALATE = "escalate", "逾期上报"
    NOTE = "note", "情况说明"


class EntryKind(models.TextChoices):
    VISITOR = "visitor", "来访人员"
    VEHICLE = "vehicle", "车辆"


class EntryStatus(StatusChoices):
    ON_CAMPUS = "on_campus", "在校"
    LEFT = "left", "已离校"
    REFUSED = "refused", "拒绝入校"

    BADGES = nonmember({"on_campus": "warning", "left": "success", "refused": "danger"})


# --- patrols (巡查) ---------------------------------------------------------------------------


class Area(models.TextChoices):
    """The areas of a campus a patrol checks (校门、教学楼、食堂、配电房、实验室 …)."""

    GATE = "gate", "校门"
    TEACHING = "teaching", "教学楼"
    CANTEEN = "canteen", "食堂"
    POWER = "power", "配电房"
    LAB = "lab", "实验室"
    SPORTS = "sports", "体育器材"
    FIRE_EXIT = "fire_exit", "消防通道"
    DORM = "dorm", "宿舍"
    BOILER = "boiler", "锅炉房"
    GROUNDS = "grounds", "操场及围墙"


class CheckKind(models.TextChoices):
    """What kind of check an item is: the seeds' routine checks (门窗、照明、电器、燃气) and §5/§6."""

    DOORS = "doors", "门窗"
    LIGHTING = "lighting", "照明"
    ELECTRIC = "electric", "电器线路"
    GAS = "gas", "燃气"
    FIRE = "fire", "消防"
    SECURITY = "security", "治安防范"
    FACILITY = "facility", "设施设备"
    CHEMICALS = "chemicals", "危化品"


class Frequency(models.TextChoices):
    DAILY = "daily", "每日"
    KEY = "key", "每日多次（重点部位）"
    NIGHTLY = "nightly", "每晚（寄宿制夜间巡查）"
    WEEKLY = "weekly", "每周"
    TERMLY = "termly", "每学期"


class PatrolStatus(StatusChoices):
    OPEN = "open", "待巡查"
    DONE = "done", "已巡查"
    MISSED = "missed", "漏巡"

    BADGES = nonmember({"open": "warning", "done": "success", "missed": "danger"})


# --- fire equipment (消防器材) ----------------------------------------------------------------


class EquipmentKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", "灭火器"
    HYDRANT = "hydrant", "消火栓"
    ALARM = "alarm", "火灾报警器"
    LIGHT = "light", "应急照明灯"
    SIGN = "sign", "疏散指示标志"


class Agent(models.TextChoices):
    """The extinguishing agent of an extinguisher, which sets its 送修 and 报废 years (§5 X3)."""

    WATER = "water", "水基型"
    POWDER = "powder", "干粉"
    CLEAN = "clean", "洁净气体"
    CO2 = "co2", "二氧化碳"


class CheckStatus(StatusChoices):
    OPEN = "open", "待检查"
    OK = "ok", "合格"
    PROBLEM = "problem", "有问题"
    MISSED = "missed", "漏检"

    BADGES = nonmember({"open": "warning", "ok": "success", "problem": "danger", "missed": "danger"})


# --- drills and training (演练与培训) ----------------------------------------------------------


class DrillKind(models.TextChoices):
    EVACUATION = "evacuation", "应急疏散演练"
    FIRE = "fire", "灭火演练"
    EARTHQUAKE = "earthquake", "防震演练"
    SECURITY = "security", "防暴防恐演练"
    BUS = "bus", "校车应急演练"
