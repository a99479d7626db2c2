"""Scheduled work of procurement (`houqin tick`)."""

from houqin.core.tick import task

from .services import remind_expiring_licences


@task("procurement.licences")
def remind_licences(today):
    """提醒采购员、仓管员、总务主任：供应商证照30天内到期或已过期"""

    return remind_expiring_licences(today)
