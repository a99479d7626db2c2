from rest_framework.permissions import BasePermission

from ..rules import ADD, CHANGE, DELETE, VIEW, can

ACTION_OF_METHOD = {"GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW, "POST": ADD, "PUT": CHANGE, "PATCH": CHANGE,
                    "DELETE": DELETE}


class RolePermission(BasePermission):
    """Asks the rules table, for the request's active school: about the viewset's model by the
    request's method, or, for a custom action, by the viewset's `action_rules`
    {action name: (rule action, model)} (借出 needs 'add' on loans, 盘点 'change' on stocktake
    lines …), or {action name: rule action} for the viewset's own model; the services then
    check the person (the requester, the assignee …)."""

    message = "您的角色无权进行此操作"

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        rule = getattr(view, "action_rules", {}).get(getattr(view, "action", None))
        if isinstance(rule, str):  # a rule action alone is about the viewset's own model
            rule = (rule, model)
        if rule is not None:
            return can(getattr(request, "roles", ()), *rule)
        if model is None:
            return True
        return can(getattr(request, "roles", ()), ACTION_OF_METHOD.get(request.method, CHANGE), model)
