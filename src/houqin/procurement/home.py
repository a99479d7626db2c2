"""Home-page panel: supplier licences expired or expiring within 30 days (索证)."""

from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.home import Panel, panel
from houqin.core.tenancy import scope

WARNED = {Role.BUYER, Role.KEEPER, Role.DIRECTOR}


@panel
def licences_panel(request):
    from .models import Licence

    if request.school is None or not set(request.roles) & WARNED:
        return None
    due = scope(Licence.objects.all(), request.school).expiring().select_related("supplier")
    items = []
    for lic in due[:8]:
        days = lic.days_left()
        badge = f"已过期{-days}天" if days < 0 else f"{days}天后到期"
        items.append((f"{lic.supplier.name} · {lic.get_kind_display()} · {lic.expires_on:%Y-%m-%d}",
                      lic.get_absolute_url(), badge))
    return Panel("供应商证照已过期或30天内到期", reverse("procurement:licence_list") + "?expiring=true",
                 due.count(), items, "danger" if items else "success")
