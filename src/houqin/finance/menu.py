"""The finance section of the sidebar."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("预算"), "finance:budgetline_list", "finance.budgetline", "piggy-bank"),
    Item(_("预算占用"), "finance:requestcharge_list", "finance.requestcharge", "link-45deg"),
    Item(_("流水帐"), "finance:journalentry_list", "finance.journalentry", "journal-text"),
    Item(_("记一笔"), "finance:journalentry_add", "finance.journalentry", "plus-circle", "add"),
    Item(_("月末结账"), "finance:monthclose_list", "finance.monthclose", "lock"),
    Item(_("月报"), "finance:report_month", "finance.journalentry", "table"),
    Item(_("收支情况说明"), "finance:report_term", "finance.journalentry", "file-text"),
]
