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
