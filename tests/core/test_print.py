"""The printed documents share one base (core/print_base.html): a doctype, the print style
sheet, the paper of the document, a print button that works under the CSP (script-src 'self'
forbids inline handlers such as onclick="window.print()", which left the button dead)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader

PRINT_PAGES = ["assets/label_sheet.html", "procurement/purchaseorder_print.html",
               "procurement/voucher_print.html", "stock/requisition_print.html",
               "maintenance/workorder_print.html", "safety/hazard_print.html", "canteen/board_print.html"]


@pytest.mark.parametrize("name", PRINT_PAGES)
def test_print_pages_extend_the_print_base_and_need_no_inline_script(name):
    source = Path(loader.get_template(name).origin.name).read_text()
    assert source.startswith('{% extends "core/print_base.html" %}')
    assert "<!doctype" not in source.lower() and "<style" not in source and not re.search(r"\sstyle=", source)
    assert not re.search(r"\son[a-z]+=", source)  # the CSP blocks inline handlers


def test_the_print_base_wires_the_button_from_a_static_script():
    assert "script-src 'self'" in settings.CONTENT_SECURITY_POLICY
    base = Path(loader.get_template("core/print_base.html").origin.name).read_text()
    assert 'id="print"' in base and "core/print.js" in base and "core/print.css" in base
    assert not re.search(r"\son[a-z]+=", base)
