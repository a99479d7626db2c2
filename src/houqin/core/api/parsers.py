"""The API's JSON parser: DRF's, and a body no field could use is refused as a 400 naming where
it is (never a 500 further in): nested deeper than any payload of ours, a number too large
to be a number (``1e309`` is infinity), or a lone UTF-16 surrogate (``\\ud800``, which no
database stores)."""

import math
import re

from rest_framework import exceptions, parsers

MAX_DEPTH = 20  # our deepest payload (an action with lines) is 3 levels
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse(path, message):
    raise exceptions.ValidationError({".".join(path) or "请求体": [message]})


def check_value(path, value):
    if isinstance(value, float) and not math.isfinite(value):
        refuse(path, "数值超出范围")
    if isinstance(value, str) and LONE_SURROGATE.search(value):
        refuse(path, "包含无效字符（单独的代理字符），请删除后重新填写")


def check_body(data):
    """Walks the parsed body without recursion (a hostile depth must not reach Python's limit)."""
    todo = [((), data)]
    while todo:
        path, value = todo.pop()
        if len(path) > MAX_DEPTH:
            refuse(path[:1], f"嵌套层级过深（最多 {MAX_DEPTH} 层）")
        if isinstance(value, dict):
            for key, item in value.items():
                check_value((*path, "键"), key)
                todo.append(((*path, str(key)), item))
        elif isinstance(value, list):
            todo.extend(((*path, str(i)), item) for i, item in enumerate(value))
        else:
            check_value(path, value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the C decoder's own limit: thousands of [ or {
            raise exceptions.ValidationError({"请求体": [f"嵌套层级过深（最多 {MAX_DEPTH} 层）"]})
        check_body(data)
        return data
