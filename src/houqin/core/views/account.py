"""The user's own account page: his API tokens (listed by prefix, revocable) and his password.
A new password revokes every token (core/tokens.py) but keeps this session signed in."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import tokens
from ..forms import style
from ..models import ApiToken


class AccountPasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def _page(request, form=None, status=200):
    mine = [(token, tokens.expires_at(token)) for token in ApiToken.objects.filter(user=request.user)]
    return render(request, "core/account.html", {
        "tokens": mine, "form": form or AccountPasswordForm(request.user)}, status=status)


@login_required
def account(request):
    return _page(request)


@login_required
@require_POST
def token_revoke(request, pk):
    get_object_or_404(ApiToken, pk=pk, user=request.user).delete()
    messages.success(request, "令牌已吊销，使用它的程序须重新获取令牌")
    return redirect("core:account")


@login_required
@require_POST
def password_change(request):
    form = AccountPasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _page(request, form, status=200)
    form.save()  # the signal revokes the tokens
    update_session_auth_hash(request, form.user)
    messages.success(request, "密码已修改，原有的 API 令牌已全部吊销")
    return redirect("core:account")
