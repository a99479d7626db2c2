"""A task's results become one entry per target and checklist item ({"target", "label",
"item", "ok", "note"}). The checks recorded before (one entry per item, no target) were of
the plan as a whole: they get the target "plan" and the label the pages show for it."""

from django.db import migrations, models

HELP = '每个检查对象的每个项目一条：[{"target": "asset:12", "label": "…", "item": "…", "ok": true, "note": ""}]'


def _label(plan):
    if plan.target_kind == "equipment":
        return plan.equipment.name if plan.equipment_id else "—"
    if plan.target_kind == "asset_category":
        return plan.asset_category.name if plan.asset_category_id else "—"
    return "整体"


def forward(apps, schema_editor):
    Task = apps.get_model("maintenance", "PreventiveTask")
    tasks = Task.objects.exclude(results=[]).select_related("plan__equipment", "plan__asset_category")
    for task in tasks.iterator(chunk_size=500):
        if not isinstance(task.results, list) or all("target" in r for r in task.results):
            continue
        label = _label(task.plan)
        task.results = [r if "target" in r else {"target": "plan", "label": label, **r} for r in task.results]
        Task.objects.filter(pk=task.pk).update(results=task.results)


def backward(apps, schema_editor):
    Task = apps.get_model("maintenance", "PreventiveTask")
    for task in Task.objects.exclude(results=[]).iterator(chunk_size=500):
        if isinstance(task.results, list) and task.results and all(r.get("target") == "plan" for r in task.results):
            Task.objects.filter(pk=task.pk).update(results=[
                {k: v for k, v in r.items() if k not in ("target", "label")} for r in task.results])


class Migration(migrations.Migration):

    dependencies = [
        ("maintenance", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalpreventivetask",
            name="results",
            field=models.JSONField(blank=True, default=list, help_text=HELP, verbose_name="检查结果"),
        ),
        migrations.AlterField(
            model_name="preventivetask",
            name="results",
            field=models.JSONField(blank=True, default=list, help_text=HELP, verbose_name="检查结果"),
        ),
        migrations.RunPython(forward, backward),
    ]
