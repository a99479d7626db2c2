"""Enumerations of the canteen app (食堂), and the fixed tables the rules give: the
disinfection parameters (F4) and the daily checklists."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", "早餐"
    LUNCH = "lunch", "午餐"
    DINNER = "dinner", "晚餐"


class DisinfectionMethod(models.TextChoices):
    BOILING = "boiling", "煮沸"
    STEAM = "steam", "蒸汽"
    INFRARED = "infrared", "红外线消毒柜"
    DISHWASHER = "dishwasher", "洗碗机"
    CHLORINE = "chlorine", "含氯消毒剂浸泡"


# The minimum parameters of each method — F4 餐饮服务食品安全操作规范: 煮沸/蒸汽 100 ℃ ≥ 10 min;
# 红外线 120 ℃ ≥ 10 min; 洗碗机 85 ℃ 冲洗 ≥ 40 s; 有效氯 250 mg/L 浸泡 ≥ 5 min.
# (minimum temperature ℃, minimum seconds, minimum available chlorine mg/L)
DISINFECTION_MINIMA = {
    DisinfectionMethod.BOILING: (100, 600, None),
    DisinfectionMethod.STEAM: (100, 600, None),
    DisinfectionMethod.INFRARED: (120, 600, None),
    DisinfectionMethod.DISHWASHER: (85, 40, None),
    DisinfectionMethod.CHLORINE: (None, 300, 250),
}


class CheckKind(models.TextChoices):
    HYGIENE = "hygiene", "环境卫生"
    COLD = "cold", "冷藏冷冻温度"
    WASTE = "waste", "废弃物与油烟"


# The items of each daily kitchen check, ticked on a phone (F1 第37条, F4).
CHECKLISTS = {
    CheckKind.HYGIENE: ["操作间地面、墙面清洁无积水", "生熟分开，容器工具标识清楚", "食品离墙离地、分区分架存放",
                        "防蝇防鼠防虫设施完好", "洗手消毒设施可用"],
    CheckKind.COLD: ["冷藏冷冻设备标识清楚", "原料、半成品、成品分柜存放", "无过期或变质食品"],
    CheckKind.WASTE: ["餐厨废弃物加盖存放、当日清运", "清运交有资质单位并登记", "油烟净化设施运行正常"],
}


class Companion(models.TextChoices):
    LEADER = "leader", "学校负责人"
    PARENT = "parent", "膳食监督家长委员会成员"
    OTHER = "other", "其他"


class Rating(models.TextChoices):
    GOOD = "good", "满意"
    FAIR = "fair", "基本满意"
    POOR = "poor", "不满意"


class BoardStatus(StatusChoices):
    DONE = "done", "已完成"
    MISSING = "missing", "缺记录"
    FAILED = "failed", "不合格"
    PENDING = "pending", "未到时间"

    BADGES = nonmember({"done": "success", "missing": "danger", "failed": "warning", "pending": "secondary"})


class DishKind(models.TextChoices):
    MEAT = "meat", "荤菜"
    VEGETABLE = "vegetable", "素菜"
    SOUP = "soup", "汤"
    STAPLE = "staple", "主食"
    OTHER = "other", "其他"


class MenuStatus(StatusChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审批"
    PUBLISHED = "published", "已公示"
    REJECTED = "rejected", "已退回"

    BADGES = nonmember({"draft": "secondary", "pending": "warning", "published": "success", "rejected": "danger"})


MENU_EDITABLE = (MenuStatus.DRAFT, MenuStatus.REJECTED)
WEEKDAYS = "一二三四五六日"

# F1 第三十六条末款: 中小学食堂不得制售冷荤类、生食类食品、裱花蛋糕，不得加工四季豆、鲜黄花菜、
# 野生蘑菇、发芽土豆 (省级可另定目录) — the default of the school's list, one per line.
FORBIDDEN_FOODS = "四季豆\n鲜黄花菜\n野生蘑菇\n发芽土豆\n冷荤\n生食\n裱花蛋糕"


class Fund(models.TextChoices):
    CANTEEN = "canteen", "食堂伙食账"
    SUBSIDY = "subsidy", "营养改善补助"


class EntryKind(models.TextChoices):
    FEES = "fees", "伙食费收入"
    OTHER_INCOME = "other_income", "其他收入"
    LABOUR = "labour", "人工费用"
    FUEL = "fuel", "燃料费用"
    OTHER_COST = "other_cost", "其他费用"
    SUBSIDY_IN = "subsidy_in", "营养改善补助拨入"
    SUBSIDY_FOOD = "subsidy_food", "营养改善补助用于受助学生膳食"


INCOME_KINDS = (EntryKind.FEES, EntryKind.OTHER_INCOME)
COST_KINDS = (EntryKind.LABOUR, EntryKind.FUEL, EntryKind.OTHER_COST)
# 营养改善补助专款专用 (F12): the fund takes its allocations and pays only for the entitled
# students' food — never labour, fuel, staff meals or other running costs.
SUBSIDY_KINDS = (EntryKind.SUBSIDY_IN, EntryKind.SUBSIDY_FOOD)
