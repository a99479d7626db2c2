"""The home page of each role, the school switcher, approvals, notifications, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import approvals, services
from ..forms import AttachmentForm, SignForm
from ..home import panels_for, shortcuts_for
from ..models import ApprovalRequest, Attachment, Notification
from ..rules import ADD, VIEW, can, takes_attachments, visible
from ..tenancy import SchoolNotAllowed, scope, switch_school


def _back(request, fallback="core:home"):
    target = request.POST.get("next") or request.headers.get("Referer")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect(fallback)


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": panels_for(request),
                                              "shortcuts": shortcuts_for(request)})


@login_required
@require_POST
def switch(request):
    try:
        school = switch_school(request, request.POST.get("school"))
    except (SchoolNotAllowed, ValueError):
        raise Http404("没有这所学校")
    messages.info(request, f"已切换到 {school}")
    return redirect("core:home")


@login_required
def approval_inbox(request):
    pending = approvals.inbox(request.user, request.memberships).order_by("-created_at")
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "core/approval_inbox.html", {"page_obj": page})


def _visible_approval(request, pk):
    """An approval of the active school, or one waiting in the user's own inbox."""
    if request.school is not None and can(request.roles, VIEW, ApprovalRequest):
        found = scope(ApprovalRequest.objects.all(), request.school).filter(pk=pk).first()
        if found:
            return found
    return get_object_or_404(approvals.inbox(request.user, request.memberships), pk=pk)


@login_required
def approval_detail(request, pk):
    approval = _visible_approval(request, pk)
    try:
        role = approvals.signing_role(approval, request.user)
    except (PermissionDenied, ValidationError) as why:
        role, why_not = None, why.args[0] if why.args else ""
    else:
        why_not = ""
    signoffs = approval.signoffs.select_related("user")
    subject = approval.subject  # the approver reads the request itself before signing
    return render(request, "core/approval_detail.html", {
        "approval": approval, "signoffs": signoffs, "signing_role": role, "why_not": why_not,
        "form": SignForm(), "subject": subject, "subject_url": getattr(subject, "get_absolute_url", None),
        "panels": approvals.panels(approval, request),
    })


@login_required
@require_POST
def approval_sign(request, pk):
    approval = _visible_approval(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择同意或不同意")
        return redirect(approval.get_absolute_url())
    try:
        approvals.sign(approval, by=request.user, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error.args[0] if error.args else "不能签字")
    else:
        messages.success(request, "已签字")
    return redirect(approval.get_absolute_url())


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user).select_related("school")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request):
    ids = request.POST.getlist("id")
    qs = Notification.objects.filter(recipient=request.user, pk__in=[i for i in ids if i.isdigit()])
    services.mark_read(request.user, qs if ids else None)
    return _back(request, "core:notification_list")


def _record(request, model, object_id):
    """The record an attachment is on, found as the user finds records (rules.visible): a
    record he cannot open is missing for its attachments too."""
    if model is None or not can(request.roles, VIEW, model):
        raise Http404("没有找到该记录")
    return get_object_or_404(visible(model.objects.all(), request), pk=object_id)


@login_required
@require_POST
def attachment_upload(request, content_type_id, object_id):
    """Attach a file to a record the user may open."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or not takes_attachments(model):
        return HttpResponseBadRequest("这类记录不能添加附件", content_type="text/plain; charset=utf-8")
    if request.school is None or not can(request.roles, ADD, Attachment):
        raise PermissionDenied("无权上传附件")
    subject = _record(request, model, object_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择文件和类别")
        return _back(request)
    try:
        services.attach(subject, form.cleaned_data["file"], by=request.user, kind=form.cleaned_data["kind"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "附件已上传")
    return _back(request)


@login_required
def attachment_download(request, pk):
    """An attachment of a record the user may open."""
    if request.school is None or not can(request.roles, VIEW, Attachment):
        raise PermissionDenied
    attachment = get_object_or_404(scope(Attachment.objects.select_related("content_type"), request.school), pk=pk)
    _record(request, attachment.content_type.model_class(), attachment.object_id)
    # Always a download with our own content type: an upload is never rendered by the browser.
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.mime)
