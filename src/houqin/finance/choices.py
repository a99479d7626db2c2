"""Enumerations of the finance app (财务): the categories money is budgeted and booked under,
the journal's directions and accounts, the budget line's status."""

from enum import nonmember

from django.db import models

from houqin.core.choices import StatusChoices


class Category(models.TextChoices):
    """支出科目 and 收入类别. The 公用经费 categories come first, then the funds kept apart
    (维修经费, 食堂, 营养改善补助, 专项), then the kinds of income."""

    OFFICE = "office", "公用经费·办公费"
    PRINTING = "printing", "公用经费·印刷费"
    UTILITIES = "utilities", "公用经费·水电费"
    POST = "post", "公用经费·邮电费"
    TRAVEL = "travel", "公用经费·差旅费"
    TRAINING = "training", "公用经费·培训费"
    MATERIALS = "materials", "公用经费·专用材料费"
    PUBLIC_OTHER = "public_other", "公用经费·其他"
    REPAIR = "repair", "维修经费"
    CANTEEN = "canteen", "食堂"
    NUTRITION = "nutrition", "营养改善补助"
    SPECIAL = "special", "专项"
    APPROPRIATION = "appropriation", "收入·财政拨款"
    FEES = "fees", "收入·代收费"
    RENT = "rent", "收入·出租收入"
    DONATION = "donation", "收入·捐赠"
    OTHER_INCOME = "other_income", "收入·其他收入"


INCOME_CATEGORIES = (Category.APPROPRIATION, Category.FEES, Category.RENT, Category.DONATION, Category.OTHER_INCOME)
SPENDING_CATEGORIES = tuple(c for c in Category if c not in INCOME_CATEGORIES)


class Direction(models.TextChoices):
    INCOME = "income", "收入"
    SPENDING = "spending", "支出"


class Account(models.TextChoices):
    CASH = "cash", "现金"
    BANK = "bank", "银行存款"


class BudgetStatus(StatusChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已退回"

    BADGES = nonmember({"draft": "secondary", "pending": "warning", "approved": "success", "rejected": "danger"})


EDITABLE = (BudgetStatus.DRAFT, BudgetStatus.REJECTED)
