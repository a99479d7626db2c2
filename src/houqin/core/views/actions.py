"""The POST-only step on one object (approve, issue, move, sign …): the base every app's
action views are declared on. A concrete action names its form and says what it does:

    class MoveView(AssetAction):
        form_class, prefix, done = forms.MoveForm, "move", "已调拨"

        def perform(self, asset, data, by):
            return services.move(asset, by=by, room=data["room"], ...)
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View

from ..forms import EmptyForm, error_text, form_error_text
from ..rules import CHANGE, can
from .generic import SchoolScopedMixin, safe_next


class ObjectActionView(SchoolScopedMixin, View):
    """POST-only: load the object through the view's scoped queryset (404 outside it),
    validate the small form, call `perform` with `by=` the user in one transaction, and say
    what happened in Chinese; a ValidationError or PermissionDenied from the service writes
    nothing and is shown instead. The answer is a redirect to a same-site `next` or to
    `redirect_to`, or for an HTMX request the `fragment` template."""

    http_method_names = ["post"]
    action = CHANGE
    form_class = EmptyForm
    prefix = None
    done = "已办理"
    also_requires = None  # (action, model): a second rule the step needs, e.g. adding a loan
    refused = "您的角色无权进行此操作"  # the 403 when `also_requires` fails
    fragment = None  # the template an HTMX request gets: object, result, error

    def perform(self, obj, data, by):
        """The service call; returns what `redirect_to` and the fragment get as `result`."""
        raise NotImplementedError

    def redirect_to(self, obj, result):
        return obj.get_absolute_url()

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES, school=self.request.school, prefix=self.prefix)

    def post(self, request, *args, **kwargs):
        if self.also_requires and not can(request.roles, *self.also_requires):
            raise PermissionDenied(self.refused)
        obj = self.get_object()
        result, error = self.run(obj, self.get_form())
        if request.headers.get("HX-Request") and self.fragment:
            return render(request, self.fragment, {"object": obj, "result": result, "error": error})
        if error:
            messages.error(request, error)
        else:
            messages.success(request, self.done)
        return HttpResponseRedirect(safe_next(request) or self.redirect_to(obj, result))

    def run(self, obj, form):
        """(result, None) when done, (None, the refusal in Chinese) when not."""
        if not form.is_valid():
            return None, form_error_text(form)
        try:
            with transaction.atomic():
                return self.perform(obj, form.cleaned_data, self.request.user), None
        except (ValidationError, PermissionDenied) as refusal:
            return None, error_text(refusal)
