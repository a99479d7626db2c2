"""Scheduled work run by `houqin tick` (meant for cron, e.g. every hour or every morning).

Every task must be idempotent — safe to run twice on the same day — which notifications get
for free from their `dedupe_key`. An app registers its tasks in its own `tick.py`:

    from houqin.core.tick import task

    @task("maintenance.preventive")
    def preventive_work_orders(today):
        ...
        return f"新建预防性维修工单 {n} 张"     # what it did, printed by the command

Tasks run in registration order (core first, then the apps in INSTALLED_APPS order).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from . import exports, services


@dataclass(frozen=True)
class Task:
    name: str
    func: Callable
    doc: str


TASKS: dict[str, Task] = {}


def task(name):
    """Register `func(today) -> str | int` under `name`."""

    def decorator(func):
        if name in TASKS and TASKS[name].func is not func:
            raise ValueError(f"tick task {name} registered twice")
        TASKS[name] = Task(name, func, (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else "")
        return func

    return decorator


def discover():
    """Import every installed app's `tick` module so that its tasks are registered."""
    autodiscover_modules("tick")
    return TASKS


@task("certificates")
def certificate_reminders(today):
    """证件到期提醒：已过期或30天内到期的证件通知校长和总务主任。"""
    created = services.remind_expiring_certificates(today)
    return f"新发通知 {created} 条"


@task("exports")
def old_exports(today):
    """删除保存超过7天的后台导出文件（导出记录保留）。"""
    return f"删除导出文件 {exports.purge(today)} 个"
