"""A person's first minutes with Houqin, on a phone-sized screen."""

import os

import pytest
from playwright.sync_api import expect

from .conftest import login

SHOTS = os.environ.get("HOUQIN_SCREENSHOTS")  # a folder to keep screenshots for a human to look at


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_login_home_rooms_and_english(world, page):
    from tests.factories import RoomFactory

    RoomFactory(school=world.schools["a"], name="六(3)班教室")
    page.goto("/")
    assert "/login/" in page.url
    assert page.locator("h1").inner_text() == "后勤管理系统"
    shot(page, "01-login")

    login(page, "a.director")
    assert page.locator("h1").inner_text().startswith("a总务主任")
    expect(page.locator("#home-panels").get_by_text("待我审批")).to_be_visible()
    shot(page, "02-home-director")

    page.goto("/rooms/")
    expect(page.get_by_role("link", name="六(3)班教室")).to_be_visible()
    shot(page, "03-rooms-phone")

    page.goto("/rooms/add/")
    page.click("main form .btn-primary")  # empty form: Chinese errors, nothing saved
    shot(page, "04a-after-submit")
    expect(page.get_by_text("该字段是必填项").first).to_be_visible()
    shot(page, "04-form-errors")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_then_english(world, page):
    login(page, "a.teacher", "wrong")
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "05-login-english")
