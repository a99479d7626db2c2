from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..rules import ADD, CHANGE, DELETE, VIEW, can

ACTION_OF_METHOD = {"GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW, "POST": ADD, "PUT": CHANGE, "PATCH": CHANGE,
                    "DELETE": DELETE}


class RolePermission(BasePermission):
    """Asks the rules table, for the request's active school, about the viewset's model.
    Custom actions (sign, mark read) declare `rule_action` on the viewset action or handle
    permission in the domain service."""

    message = "您的角色无权进行此操作"

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        action = getattr(view, "rule_action", None) or ACTION_OF_METHOD.get(request.method, CHANGE)
        if getattr(view, "action", None) in getattr(view, "custom_actions", ()):
            action = VIEW if request.method in SAFE_METHODS else getattr(view, "custom_rule", VIEW)
        return can(getattr(request, "roles", ()), action, model)
