"""Text helpers shared by the apps' models and imports."""

from pypinyin import Style, lazy_pinyin


def initials(text):
    """Pinyin initials for search: 投影机 -> tyj; letters and digits are kept as they are."""
    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default") if p).lower()
