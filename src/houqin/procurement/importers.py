"""Excel import of the supplier library (供应商), declared on core's importer."""

from houqin.core.importer import CellError, Column, Importer, choice, text, yes_no
from houqin.stock.choices import ItemCategory

from .choices import Admission
from .forms import SupplierForm
from .models import Supplier


def categories(value, context=None):
    """供应类别 as labels separated by 、 , or spaces: "办公用品、清洁卫生用品"."""
    labels = {str(label): v for v, label in ItemCategory.choices}
    words = [w for w in text(value).replace("，", "、").replace(",", "、").replace(" ", "、").split("、") if w]
    unknown = [w for w in words if w not in labels]
    if unknown:
        raise CellError(f"“{'、'.join(unknown)}”不是供应类别，应为 {'、'.join(labels)}")
    return [labels[w] for w in words]


class SupplierImporter(Importer):
    model = Supplier
    form_class = SupplierForm
    columns = [
        Column("供应商名称", "name", required=True, unique=True, aliases=("名称", "供应商"),
               example="恩施市文具批发部"),
        Column("统一社会信用代码", "credit_code", aliases=("信用代码",), example="91422801MA4900000X"),
        Column("联系人", "contact", example="李明"),
        Column("联系电话", "phone", aliases=("电话",), example="0718-8000000"),
        Column("地址", "address", example="恩施市施州大道 1 号"),
        Column("供应类别", "categories", categories, example="办公用品、清洁卫生用品", default=[]),
        Column("准入状态", "admission", choice(Admission), example="准入", default=Admission.ADMITTED),
        Column("食品供应商", "food", yes_no, example="否", default=False),
        Column("备注", "notes", example=""),
    ]
