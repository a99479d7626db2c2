"""API tokens: issued after the password (and the second factor), stored as a hash, expired
after HOUQIN_TOKEN_IDLE_DAYS without use, and revoked whenever the owner's password
changes, his account is deactivated or one of his roles is taken away."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db.models.signals import post_delete, pre_save
from django.utils import timezone

from .models import ApiToken, Membership, User

# At most this many tokens per user: the oldest go first (each request for one mints a new one).
MAX_PER_USER = 20
# last_used_at is written at most this often, so that reading the API is not a write per request.
TOUCH_EVERY = datetime.timedelta(minutes=5)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user, name=""):
    """A new token for `user`; returns its key, which is shown once and never stored."""
    key = secrets.token_hex(20)
    ApiToken.objects.create(user=user, digest=digest(key), prefix=key[:8], name=name[:100])
    keep = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk").values("pk")[:MAX_PER_USER]
    ApiToken.objects.filter(user=user).exclude(pk__in=keep).delete()
    return key


def idle_limit():
    return timezone.now() - datetime.timedelta(days=settings.HOUQIN_TOKEN_IDLE_DAYS)


def expires_at(token):
    return token.last_used_at + datetime.timedelta(days=settings.HOUQIN_TOKEN_IDLE_DAYS)


class Expired(Exception):
    pass


def check(key):
    """The token of `key`, its use recorded; None when there is none; Expired (and deleted)
    when it has not been used for the idle days."""
    token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at < idle_limit():
        token.delete()
        raise Expired
    if now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_all(user):
    return ApiToken.objects.filter(user_id=user.pk).delete()[0]


def _revoke_on_password_or_deactivation(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        revoke_all(instance)


def _revoke_on_role_removed(sender, instance, **kwargs):
    ApiToken.objects.filter(user_id=instance.user_id).delete()


def connect():
    pre_save.connect(_revoke_on_password_or_deactivation, sender=User, dispatch_uid="houqin-token-user")
    post_delete.connect(_revoke_on_role_removed, sender=Membership, dispatch_uid="houqin-token-membership")
