"""Who may do what in the canteen, added to the one rules table in core.

The canteen manager (食堂管理员) keeps the records; the principal and the director read them
(and a school leader records his own 陪餐); the district officer reads. The records are kept:
no role deletes one, and the checks are not edited after the fact (history shows any change
to the rest)."""

from houqin.core.choices import Role as R
from houqin.core.rules import MANAGERS, RULES, rule, step

CANTEEN = frozenset({R.CANTEEN})
READERS = MANAGERS | CANTEEN

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
})
