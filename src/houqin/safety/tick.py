"""Scheduled work of the safety app, run by `houqin tick`; each task is idempotent."""

from houqin.core.tick import task

from . import services


@task("safety.overdue_hazards")
def overdue_hazards(today):
    """隐患逾期上报：超过整改期限仍未整改的隐患通知总务主任和校长（重大隐患同时报勤办），每项只报一次。"""
    return f"逾期隐患上报 {services.escalate_overdue(today)} 项"
