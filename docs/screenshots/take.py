"""Screenshots of Houqin with its demo data, for the README: each role's home, and the page
of its main work, on a phone (390×844) and a desktop (1366×768).

    HOUQIN_VAR_DIR=/tmp/shots houqin migrate && HOUQIN_VAR_DIR=/tmp/shots houqin demo
    HOUQIN_VAR_DIR=/tmp/shots HOUQIN_HTTPS=0 houqin serve --bind 127.0.0.1:8123 &
    python docs/screenshots/take.py http://127.0.0.1:8123

Needs Debian's chromium and fonts-noto-cjk (for the Chinese), and Playwright (dev extras).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
# role -> the page of its main work, after its home
JOURNEYS = {
    "teacher": "/maintenance/orders/add/",
    "worker": "/maintenance/orders/",
    "director": "/approvals/",
    "keeper": "/stock/requisitions/",
    "buyer": "/procurement/requests/",
    "canteen": "/canteen/",
    "guard": "/safety/gate/",
    "principal": "/assets/reports/ledger/",
    "accountant": "/procurement/vouchers/",
}


def main(base_url):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for role, work in JOURNEYS.items():
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=base_url)
                page = context.new_page()
                page.goto("/login/")
                page.fill("#id_username", f"esyx.{role}")
                page.fill("#id_password", "houqin-demo")
                page.click("form .btn-primary")
                page.wait_for_load_state()
                page.screenshot(path=HERE / f"{role}-{name}-home.png")
                page.goto(work)
                page.screenshot(path=HERE / f"{role}-{name}-work.png")
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8123")
