"""The school's accounts and roles, managed by the principal and the director."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from .. import models, services
from ..forms import GrantRoleForm, service_errors
from ..rules import ADD, DELETE
from .generic import ObjectListView, SchoolScopedMixin


class MembershipListView(ObjectListView):
    model = models.Membership
    columns = ("user", "role")
    select_related = ("user",)
    template_name = "core/membership_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("user__username", "role")


class MembershipDetailView(SchoolScopedMixin, View):
    """A role has no page of its own: its detail is the list."""

    model = models.Membership

    def get(self, request, pk):
        get_object_or_404(self.get_queryset(), pk=pk)
        return redirect("core:membership_list")


class MembershipAddView(SchoolScopedMixin, View):
    model = models.Membership
    action = ADD

    def form(self, data=None, username=""):
        return GrantRoleForm(data, school=self.request.school, roles=self.request.roles,
                             initial={"username": username})

    def found(self, query):
        """Accounts of the district matching the search (name or username): an existing
        account is picked from here, not typed (services.grant_role refuses the others)."""
        if not query:
            return None
        match = Q(username__icontains=query) | Q(display_name__icontains=query)
        return services.accounts_near(self.request.school).filter(match).order_by("username")[:20]

    def get(self, request):
        query = request.GET.get("q", "").strip()[:50]
        return render(request, "core/membership_add.html", {
            "form": self.form(username=request.GET.get("username", "")[:150]), "q": query,
            "found": self.found(query)})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            with service_errors(form):
                membership = services.grant_role(request.school, by=request.user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, f"已授予 {membership.user} {membership.get_role_display()}角色")
                return redirect("core:membership_list")
        return render(request, "core/membership_add.html", {"form": form})


class MembershipDeleteView(SchoolScopedMixin, View):
    model = models.Membership
    action = DELETE
    http_method_names = ["post"]

    def post(self, request, pk):
        membership = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.revoke_role(membership, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"已撤销 {membership.user} 的{membership.get_role_display()}角色")
        return redirect("core:membership_list")
