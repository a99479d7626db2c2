"""Excel import of the staff register (教职工), declared on core's importer."""

from .choices import Employment, Gender
from .forms import PersonForm
from .importer import Column, Importer, choice, yes_no
from .models import Person


class PersonImporter(Importer):
    model = Person
    form_class = PersonForm
    columns = [
        Column("姓名", "name", required=True, example="谭春燕"),
        Column("性别", "gender", choice(Gender), example="女"),
        Column("电话", "phone", aliases=("联系电话", "手机"), example="13800000000"),
        Column("岗位", "position", aliases=("职务",), example="保育员"),
        Column("用工性质", "employment", choice(Employment), example="合同工/临时工", default=Employment.STAFF),
        Column("在岗", "active", yes_no, example="是", default=True),
    ]
