"""Validators shared by every text input (forms and API): text that would break a file later
(an Excel export, a CSV, a PDF) is refused when it is typed, not when it is exported."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls but tab, newline and carriage return (a textarea sends CRLF), DEL, C1 controls,
# and lone UTF-16 surrogates (they cannot be stored as UTF-8 at all).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@deconstructible
class NoControlChars:
    """Refuses control characters other than tab and newline, and lone surrogates."""

    message = "不能包含控制字符或无效字符（第 {position} 个字符 {code}），请删除后重新填写"
    code = "control_characters"

    def __call__(self, value):
        if not isinstance(value, str):
            return
        found = CONTROL_CHARS.search(value)
        if found:
            position, code = found.start() + 1, f"U+{ord(found.group()):04X}"
            raise ValidationError(self.message.format(position=position, code=code), code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlChars)


no_control_chars = NoControlChars()


def has_control_chars(value):
    return isinstance(value, str) and CONTROL_CHARS.search(value) is not None
