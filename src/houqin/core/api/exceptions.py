"""Every API error is JSON with a Chinese `detail`; a Django ValidationError or PermissionDenied
raised by a domain service becomes a 400 / 403, never a 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

# DRF messages its Chinese catalogue lacks ("No data provided" is not even marked for translation).
UNTRANSLATED = {
    "No data provided": "未提交任何数据：请求体应为 JSON 对象",
    "Integer value too large to convert to float": "整数过大，超出数值范围",
}


def chinese(detail):
    """The error body with DRF's few English messages said in Chinese, codes kept."""
    if isinstance(detail, dict):
        return {key: chinese(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [chinese(item) for item in detail]
    if isinstance(detail, exceptions.ErrorDetail) and str(detail) in UNTRANSLATED:
        return exceptions.ErrorDetail(UNTRANSLATED[str(detail)], code=detail.code)
    return detail


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(exc.args[0] if exc.args else None)
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(f"请求内容格式错误，无法解析（{exc.detail}）")
    elif isinstance(exc, Http404):
        # get_object_or_404 words it in English with the model's name: say it plainly instead
        exc = exceptions.NotFound("未找到该记录（不存在，或不属于当前学校）")
    elif isinstance(exc, IntegrityError):
        return Response({"detail": "数据与已有记录冲突（如重复），未保存"}, status=status.HTTP_409_CONFLICT)
    response = drf_handler(exc, context)
    if response is not None:
        response.data = chinese(response.data)
    return response
