"""Who may do what in finance, added to the one rules table in core.

The accountant (会计) keeps the books: he drafts the budget and submits it, charges purchase
requests to its lines, writes and reverses journal entries and closes the month. The
director and the principal read everything and approve the budget (the approval policy
governs the signing); the director may also charge a request to a line when he approves it.
The district officer reads. Nobody edits or deletes a journal entry or a month close.
"""

from houqin.core.choices import Role as R
from houqin.core.rules import MANAGERS, RULES, rule, step

ACCOUNTANT = frozenset({R.ACCOUNTANT})
READERS = MANAGERS | ACCOUNTANT
CHARGERS = MANAGERS | ACCOUNTANT

RULES.update({
    # The school's over-budget rule: shown on the school's page, changed like the school.
    "finance.financesettings": RULES["core.school"],
    "finance.budgetline": rule(READERS, add=ACCOUNTANT, change=ACCOUNTANT, delete=(), steps={
        "draft": step(ACCOUNTANT, "编制预算"),
        "submit": step(ACCOUNTANT, "提交预算审批"),
    }),
    "finance.requestcharge": rule(READERS, add=CHARGERS, change=CHARGERS, delete=(), steps={
        "charge": step(CHARGERS, "登记预算占用"),
    }),
    "finance.journalentry": rule(READERS, add=ACCOUNTANT, change=(), delete=(), steps={
        "post": step(ACCOUNTANT, "记账"),
        "reverse": step(ACCOUNTANT, "冲销流水"),
    }),
    "finance.monthclose": rule(READERS, add=ACCOUNTANT, change=(), delete=(), steps={
        "close": step(ACCOUNTANT, "月末结账"),
    }),
})
