"""The asset list on a phone: one card per holding instead of the wide table; the table on a
wide screen."""

import pytest
from playwright.sync_api import expect

from tests.assets.factories import AssetFactory

from .conftest import login


@pytest.mark.django_db(transaction=True)
def test_asset_list_is_cards_on_a_phone_and_a_table_on_a_desk(world, page):
    from houqin.core.choices import Role

    AssetFactory(school=world.schools["a"], name="多功能投影机", by=world.user(Role.DIRECTOR))
    login(page, "a.director")
    page.goto("/assets/")
    card = page.locator(".asset-cards li", has_text="多功能投影机")
    expect(card).to_be_visible()
    expect(page.locator("table", has_text="多功能投影机")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    card.click()
    expect(page.locator("h1")).to_contain_text("多功能投影机")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/assets/")
    expect(page.locator("table", has_text="多功能投影机")).to_be_visible()
    expect(page.locator(".asset-cards")).to_be_hidden()
