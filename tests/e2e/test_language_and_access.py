"""Languages and accessibility in the browser.

- The language switch turns the same page Russian, and the choice is remembered (cookie).
- axe-core finds no serious or critical WCAG 2.1 A/AA violation on the public pages, and the
  pages fit a 360 px wide phone with no horizontal scrolling; the focus is visible and the
  skip link is the first stop of the keyboard.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import check_accessibility, no_horizontal_scroll, shot, sign_in

pytestmark = pytest.mark.e2e


def test_language_switch_turns_the_same_page_russian(new_page, live, make_user):
    applicant = make_user("applicant", full_name="Тілдер Тексеруші")
    page = new_page(locale="kk-KZ")
    sign_in(page, live, applicant.login)
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text("Менің істерім")
    shot(page, "50-my-cases-kk")
    url = page.url
    page.select_option("#lang-select", "ru")
    page.click("#lang-apply")
    page.wait_for_load_state()
    assert page.url == url  # the same page
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text("Мои дела")
    expect(page.locator("header nav")).to_contain_text("Уведомления")
    shot(page, "51-my-cases-ru")
    page.goto(f"{live}/cabinet/file/court/")  # remembered on the next page
    expect(page.locator("h2#step-title")).to_contain_text("Шаг 1 из 8")
    expect(page.locator("#missing-list")).to_contain_text("Выберите суд.")
    check_accessibility(page, "wizard in Russian")


@pytest.mark.parametrize(
    "path", ["/accounts/sign-in/", "/accounts/sign-up/", "/ecp-login/", "/verify/no-such-code/"]
)
def test_public_pages_are_accessible_on_a_phone(new_page, live, path):
    page = new_page(width=360, height=740)
    response = page.goto(f"{live}{path}")
    assert response.status in (200, 404)
    assert no_horizontal_scroll(page), path
    check_accessibility(page, path)


def test_keyboard_reaches_the_skip_link_and_the_form(new_page, live, make_user):
    applicant = make_user("applicant", full_name="Пернетақта Қолданушы")
    page = new_page(width=360, height=740)
    sign_in(page, live, applicant.login)
    page.goto(f"{live}/cabinet/file/court/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip"
    expect(page.locator("a.skip")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert no_horizontal_scroll(page)
    outline = page.evaluate(
        "() => { const s = document.querySelector('#id_court'); s.focus();"
        " return getComputedStyle(s).outlineStyle; }"
    )
    assert outline != "none"
    shot(page, "52-wizard-phone")
    page.goto(f"{live}/cabinet/")
    assert no_horizontal_scroll(page)
    check_accessibility(page, "my cases on a phone")
    expect(page.locator("h1")).to_have_text(re.compile(r"\S"))
