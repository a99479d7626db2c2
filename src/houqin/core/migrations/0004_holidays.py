"""China's national public holidays (法定节假日) 2025–2027 and the weekend days made working
days (调休上班), from the State Council's notices. 2027 has not been announced: its dates are
the statutory ones by the calendar (no 调休 yet) and should be corrected when it is."""

import datetime

from django.db import migrations

D = datetime.date


def span(start, end, name):
    day, days = start, []
    while day <= end:
        days.append((day, name, False))
        day += datetime.timedelta(days=1)
    return days


def work(day, name):
    return [(day, f"{name}调休上班", True)]


HOLIDAYS = [
    # 2025 (国办发明电〔2024〕12号)
    *span(D(2025, 1, 1), D(2025, 1, 1), "元旦"),
    *work(D(2025, 1, 26), "春节"), *span(D(2025, 1, 28), D(2025, 2, 4), "春节"), *work(D(2025, 2, 8), "春节"),
    *span(D(2025, 4, 4), D(2025, 4, 6), "清明节"),
    *work(D(2025, 4, 27), "劳动节"), *span(D(2025, 5, 1), D(2025, 5, 5), "劳动节"),
    *span(D(2025, 5, 31), D(2025, 6, 2), "端午节"),
    *work(D(2025, 9, 28), "国庆节"), *span(D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节"),
    *work(D(2025, 10, 11), "国庆节"),
    # 2026 (国办发明电〔2025〕7号)
    *span(D(2026, 1, 1), D(2026, 1, 3), "元旦"), *work(D(2026, 1, 4), "元旦"),
    *work(D(2026, 2, 14), "春节"), *span(D(2026, 2, 15), D(2026, 2, 23), "春节"), *work(D(2026, 2, 28), "春节"),
    *span(D(2026, 4, 4), D(2026, 4, 6), "清明节"),
    *span(D(2026, 5, 1), D(2026, 5, 5), "劳动节"), *work(D(2026, 5, 9), "劳动节"),
    *span(D(2026, 6, 19), D(2026, 6, 21), "端午节"),
    *span(D(2026, 9, 25), D(2026, 9, 27), "中秋节"),
    *work(D(2026, 9, 20), "国庆节"), *span(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),
    *work(D(2026, 10, 10), "国庆节"),
    # 2027 (statutory days by the calendar; the 调休 notice is not out yet)
    *span(D(2027, 1, 1), D(2027, 1, 1), "元旦"),
    *span(D(2027, 2, 5), D(2027, 2, 11), "春节"),
    *span(D(2027, 4, 5), D(2027, 4, 5), "清明节"),
    *span(D(2027, 5, 1), D(2027, 5, 5), "劳动节"),
    *span(D(2027, 6, 9), D(2027, 6, 9), "端午节"),
    *span(D(2027, 9, 15), D(2027, 9, 15), "中秋节"),
    *span(D(2027, 10, 1), D(2027, 10, 7), "国庆节"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    existing = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create([Holiday(date=d, name=n, workday=w) for d, n, w in HOLIDAYS if d not in existing])


def unseed(apps, schema_editor):
    apps.get_model("core", "Holiday").objects.filter(date__in=[d for d, _, _ in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar_and_thresholds")]

    operations = [migrations.RunPython(seed, unseed)]
