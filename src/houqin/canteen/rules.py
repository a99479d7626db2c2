"""Who may do what in the canteen, added to the one rules table in core.

The canteen manager (食堂管理员) keeps the records; the principal and the director read them
(and a school leader records his own 陪餐); the district officer reads. The records are kept:
no role deletes one, and the checks are not edited after the fact (history shows any change
to the rest)."""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, own_rows, rule, step

CANTEEN = frozenset({R.CANTEEN})
READERS = MANAGERS | CANTEEN
# Everyone in the school reads the published menu (公示); the canteen, the managers and the
# district officer see the drafts and the menus waiting for approval too.
PUBLISHED_ONLY = own_rows(READERS | {R.DISTRICT_OFFICER}, lambda user: Q(status="published"))

RULES.update({
    # The school's canteen rules: shown on the school's page, changed like the school.
    "canteen.canteensettings": RULES["core.school"],
    "canteen.canteenworker": rule(READERS, add=CANTEEN, delete=()),
    "canteen.morningcheck": rule(READERS, add=CANTEEN, change=(), delete=()),
    "canteen.meal": rule(READERS, add=CANTEEN, delete=(),
                         steps={"board": step(READERS | {R.DISTRICT_OFFICER}, "查看食品安全日管控")}),
    "canteen.samplerecord": rule(READERS, add=CANTEEN, change=(), delete=(),
                                 steps={"dispose": step(CANTEEN, "处置留样")}),
    "canteen.disinfection": rule(READERS, add=CANTEEN, change=(), delete=()),
    "canteen.kitchencheck": rule(READERS, add=CANTEEN, change=(), delete=()),
    "canteen.accompaniedmeal": rule(READERS, add=READERS, change=CANTEEN, delete=(),
                                    steps={"respond": step(CANTEEN | {R.DIRECTOR}, "反馈陪餐意见")}),
    # 带量食谱: the canteen manager writes the dishes and the week's menu and sends it to approval
    # (the director, then the 膳食委员会 — see services.MENU); everyone reads what is published.
    "canteen.dish": rule(EVERYONE, add=CANTEEN, delete=()),
    "canteen.weekmenu": rule(EVERYONE, add=CANTEEN, delete=(), rows=PUBLISHED_ONLY,
                             steps={"submit": step(CANTEEN, "提交带量食谱审批"),
                                    "copy": step(CANTEEN, "沿用往期食谱")}),
    # 就餐人数与食堂账: the canteen manager keeps them; the accountant reads; the month's 公示 is
    # open to everyone in the school.
    "canteen.dinercount": rule(READERS | {R.ACCOUNTANT}, add=CANTEEN, delete=()),
    "canteen.canteenentry": rule(READERS | {R.ACCOUNTANT}, add=CANTEEN, change=(), delete=(),
                                 steps={"notice": step(EVERYONE | {R.DISTRICT_OFFICER}, "查看食堂收支公示")}),
})
