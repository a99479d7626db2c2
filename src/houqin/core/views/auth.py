"""Sign-in, sign-out, two-factor enrolment and verification."""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..forms import StyledForm


class LoginView(auth_views.LoginView):
    """Django's login rotates the session key; axes counts failures and locks out."""

    template_name = "core/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)  # flushes the session
    messages.info(request, "您已安全退出")
    return redirect("core:login")


LOCKED_OUT = "连续多次登录失败，该账号已暂时锁定 1 小时"


def locked_out(request, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT}, status=429)
    return render(request, "core/locked_out.html", status=429)


class TokenForm(StyledForm):
    token = forms.RegexField(label="动态验证码", regex=r"^\d{6}$", max_length=6,
                             error_messages={"invalid": "请输入验证器 App 上的 6 位数字"},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                           "inputmode": "numeric"}))


@login_required
def otp_setup(request):
    """Enrol an authenticator app: show the QR code, confirm with the first code."""
    if not request.user.is_verified() and user_has_device(request.user, confirmed=True):
        # A password alone must not enrol a new device and so skip the existing one.
        return redirect("core:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(request, "两步验证已开启")
            return redirect("core:home")
        form.add_error("token", "验证码不正确，请核对手机时间后重试")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "core/otp_setup.html", {"form": form, "qr": mark_safe(qr),  # noqa: S308 (our own SVG)
                                                   "secret": secret})


@login_required
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = "core:home"
            return redirect(target)
        form.add_error("token", "验证码不正确或已过期")
    return render(request, "core/otp_verify.html", {"form": form})
