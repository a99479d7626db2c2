"""Scheduled work of the safety app, run by `houqin tick`; each task is idempotent."""

from houqin.core.tick import task

from . import fire, patrols, services


@task("safety.overdue_hazards")
def overdue_hazards(today):
    """隐患逾期上报：超过整改期限仍未整改的隐患通知总务主任和校长（重大隐患同时报勤办），每项只报一次。"""
    return f"逾期隐患上报 {services.escalate_overdue(today)} 项"


@task("safety.patrols")
def due_patrols(today):
    """巡查：按路线频次和校历生成今天的巡查（重点部位每日多次），每次只生成一个；昨天以前未巡查的记为漏巡。"""
    missed = patrols.mark_missed(today)
    return f"新建巡查 {patrols.create_due_patrols(today)} 次，漏巡 {missed} 次"


@task("safety.fire_checks")
def fire_checks(today):
    """消防器材检查：每个在用器材每个检查周期生成一次检查（一般场所每月、人员密集场所和锅炉房每半月）；过期未检记为漏检。"""
    missed = fire.mark_missed(today)
    return f"新建消防器材检查 {fire.create_due_checks(today)} 项，漏检 {missed} 项"
