"""Seed the asset categories: the seven top levels (门类) of GB/T 14885-2022 and the usual
school sub-categories, with the minimum depreciation lives of 财会〔2017〕4号 (None: not
depreciated — land, heritage items, books and archives, living things, materials)."""

from django.db import migrations

CATEGORIES = [
    # code, name, years, parent code
    ("A", "房屋和构筑物", None, None),
    ("A01", "钢结构、钢筋混凝土结构房屋", 50, "A"),
    ("A02", "砖混、砖木结构房屋", 30, "A"),
    ("A03", "简易房", 8, "A"),
    ("A04", "房屋附属设施", 8, "A"),
    ("A05", "构筑物", 8, "A"),
    ("A06", "土地", None, "A"),
    ("B", "设备", None, None),
    ("B01", "计算机设备", 6, "B"),
    ("B02", "办公设备", 6, "B"),
    ("B03", "车辆", 8, "B"),
    ("B04", "图书档案设备", 5, "B"),
    ("B05", "机械设备（电梯、锅炉等）", 10, "B"),
    ("B06", "空调", 10, "B"),
    ("B07", "电气设备", 5, "B"),
    ("B08", "通信设备", 5, "B"),
    ("B09", "电教设备（投影机、电子白板、音响）", 5, "B"),
    ("B10", "教学仪器设备", 5, "B"),
    ("B11", "仪器仪表", 5, "B"),
    ("B12", "体育器材", 5, "B"),
    ("B13", "文艺娱乐设备", 5, "B"),
    ("B14", "食堂设备", 10, "B"),
    ("B15", "网络设备", 8, "B"),
    ("C", "文物和陈列品", None, None),
    ("D", "图书和档案", None, None),
    ("D01", "图书", None, "D"),
    ("D02", "档案", None, "D"),
    ("E", "家具和用具", None, None),
    ("E01", "课桌椅", 15, "E"),
    ("E02", "办公家具", 15, "E"),
    ("E03", "学生宿舍家具", 15, "E"),
    ("E04", "图书柜、书架", 15, "E"),
    ("E05", "用具、装具", 5, "E"),
    ("F", "特种动植物", None, None),
    ("G", "物资", None, None),
]


def seed(apps, schema_editor):
    Category = apps.get_model("assets", "Category")
    by_code = {}
    for code, name, years, parent in CATEGORIES:
        by_code[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "depreciation_years": years, "parent": by_code.get(parent)})


def unseed(apps, schema_editor):
    apps.get_model("assets", "Category").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
