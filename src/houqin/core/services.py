"""Domain operations of the core app: notifications, attachments, certificates.
Every function takes the acting user explicitly."""

import json
import logging
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import webhooks
from .choices import SCHOOL_ROLES, Role, WebhookKind
from .models import Attachment, Certificate, Membership, Notification, User
from .tenancy import roles_in

log = logging.getLogger(__name__)

# --- Notifications ---------------------------------------------------------


def notify(users, *, school, title, body="", url="", dedupe_key=None):
    """In-app notifications for each user; e-mail and the school's group robot after commit.
    With a dedupe_key a user is notified once however often this runs. Returns those created."""
    created = []
    for user in users:
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(
                    school=school, recipient=user, title=title[:200], body=body, url=url, dedupe_key=dedupe_key,
                ))
        except IntegrityError:
            continue  # already notified under this key
    if created:
        transaction.on_commit(lambda: deliver(created, school))
    return created


def deliver(notifications, school):
    """The optional outside channels. A failing channel is logged, never raised."""
    if settings.HOUQIN_EMAIL_ENABLED:
        for n in notifications:
            if n.recipient.email:
                try:
                    send_mail(n.title, n.body or n.title, None, [n.recipient.email])
                except OSError:
                    log.warning("e-mail to %s failed", n.recipient.email, exc_info=True)
    if school.webhook_kind and school.webhook_url:
        titles = sorted({n.title for n in notifications})
        send_webhook(school.webhook_kind, school.webhook_url, "\n".join(titles))


def webhook_payload(kind, text):
    """The JSON body 企业微信 and 钉钉 group robots accept for a text message."""
    if kind in (WebhookKind.WECOM, WebhookKind.DINGTALK):
        return {"msgtype": "text", "text": {"content": f"【后勤】{text}"}}
    raise ValueError(kind)


def send_webhook(kind, url, text, timeout=5):
    """Post the text to the school's group robot; returns the HTTP status, or None when the
    URL is refused (see core/webhooks.py: https to public addresses only) or the call fails."""
    data = json.dumps(webhook_payload(kind, text), ensure_ascii=False).encode()
    try:
        return webhooks.post(url, data, timeout=timeout)
    except webhooks.UnsafeWebhook as refusal:
        log.warning("webhook %s refused: %s", url, refusal)
    except OSError:
        log.warning("webhook %s failed", url, exc_info=True)
    return None


def mark_read(user, notifications=None):
    """Mark the user's notifications (all, or the given queryset) read; returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notifications is not None:
        qs = qs.filter(pk__in=[n.pk for n in notifications])
    return qs.update(read_at=timezone.now())


# --- Attachments -----------------------------------------------------------

# Allowed types: extension -> (mime, magic-byte prefixes). No SVG or HTML: they can carry script.
ALLOWED_UPLOADS = {
    "jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    "gif": ("image/gif", [b"GIF87a", b"GIF89a"]),
    "webp": ("image/webp", [b"RIFF"]),
    "pdf": ("application/pdf", [b"%PDF-"]),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
}


def check_upload(upload):
    """Raise ValidationError (in Chinese) unless the file is of an allowed type and size.
    The type is judged by extension *and* content, never by what the browser claims."""
    name = PurePath(upload.name or "").name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_UPLOADS:
        raise ValidationError(f"不支持的文件类型“{ext or '无扩展名'}”，只能上传：" + "、".join(ALLOWED_UPLOADS))
    if upload.size == 0:
        raise ValidationError("文件是空的")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件太大（{upload.size / 1048576:.1f} MB），不能超过 {limit / 1048576:.0f} MB")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    mime, magics = ALLOWED_UPLOADS[ext]
    if not any(head.startswith(m) for m in magics) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise ValidationError(f"文件内容与扩展名 .{ext} 不符，可能已损坏或被改名")
    return name, mime


@transaction.atomic
def attach(subject, upload, *, by, kind):
    """Store an uploaded photo or scan on any school-owned object."""
    name, mime = check_upload(upload)
    return Attachment.objects.create(
        school=subject.school, content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk,
        kind=kind, file=upload, original_name=name[:200], mime=mime, size=upload.size, uploaded_by=by,
    )


def attachments_of(subject):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("uploaded_by")


# --- Certificates ------------------------------------------------------------


def remind_expiring_certificates(today=None):
    """For `houqin tick`: tell each school's director and principal about certificates expired
    or expiring within 30 days, once per certificate and expiry date."""
    today = today or timezone.localdate()
    certificates = Certificate.objects.expiring(today).select_related("person", "school")
    managers = {}
    for m in Membership.objects.filter(role__in=[Role.DIRECTOR, Role.PRINCIPAL]).select_related("user"):
        managers.setdefault(m.school_id, []).append(m.user)
    created = 0
    for cert in certificates:
        days = cert.days_left(today)
        state = f"已过期{-days}天" if days < 0 else f"还有{days}天到期"
        created += len(notify(
            managers.get(cert.school_id, []), school=cert.school,
            title=f"证件{state}：{cert.person.name}的{cert.get_kind_display()}",
            body=f"证号 {cert.number or '—'}，有效期至 {cert.expires_on:%Y-%m-%d}",
            url=f"/people/{cert.person_id}/", dedupe_key=f"cert:{cert.pk}:{cert.expires_on}",
        ))
    return created


# --- Accounts ------------------------------------------------------------------

# Who may grant which role: nobody grants above himself.
GRANTABLE = {
    Role.PRINCIPAL: set(SCHOOL_ROLES),
    Role.DIRECTOR: set(SCHOOL_ROLES) - {Role.PRINCIPAL, Role.DIRECTOR},
}


def grantable_roles(roles):
    return set().union(*(GRANTABLE.get(r, set()) for r in roles)) if roles else set()


def accounts_near(school):
    """The accounts a role at `school` may be granted to: those already holding a role at a
    school of its district, or over the district. An account elsewhere is not the granter's
    to take (the usernames of other districts are none of his business either)."""

    return User.objects.filter(Q(memberships__school__district_id=school.district_id)
                               | Q(memberships__district_id=school.district_id), is_active=True).distinct()


def holders(school, roles):
    """The active users holding any of `roles` in `school` (and, for the district officer, the
    officers of its district), in a stable order: whom an app tells of something."""

    q = Q(memberships__school=school, memberships__role__in=roles)
    if Role.DISTRICT_OFFICER in roles:
        q |= Q(memberships__district_id=school.district_id, memberships__role=Role.DISTRICT_OFFICER)
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


@transaction.atomic
def grant_role(school, *, by, username, role, display_name="", password="", person=None):
    """`by` gives `username` a role at the school, creating the account when it does not exist
    yet (then `password` is required). Returns the Membership."""

    if Role(role) not in grantable_roles(roles_in(by, school)):
        raise ValidationError(f"您无权授予“{Role(role).label}”角色")
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError("新账号须设置初始密码")
        user = User(username=username, display_name=display_name)

        validate_password(password, user)
        user.set_password(password)
        user.save()
    elif not accounts_near(school).filter(pk=user.pk).exists():
        raise ValidationError("该登录名已被其他辖区或已停用的账号使用，请换一个登录名")
    if Membership.objects.filter(user=user, school=school, role=role).exists():
        raise ValidationError(f"{user} 已是本校{Role(role).label}")
    membership = Membership.objects.create(user=user, school=school, role=role)
    if person is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return membership


def revoke_role(membership, *, by):
    if Role(membership.role) not in grantable_roles(roles_in(by, membership.school)):
        raise ValidationError(f"您无权撤销“{membership.get_role_display()}”角色")
    membership.delete()
