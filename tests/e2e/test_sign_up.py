"""Sign-up with ЭЦҚ in a real browser (issue 9 "Identity"; SPEC R-FIL-1, R-ECP-5).

The sign-up page asks for a `register` challenge bound to its browser session, has it signed as
an attached CMS and posts it with the form:
- through NCALayer (the stand-in on wss://127.0.0.1:13579, tests/e2e/ncalayer.py), with the
  holder's AUTH key from the test PKI, whose CA the live server trusts (the `ecp` fixture);
- with the DEMO key, for a legal entity: the account's kind and name come from the certificate.
A key of someone else is refused on the page and no account is made.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import new_login
from sotkabinet.accounts.models import User

from .conftest import PASSWORD, check_accessibility, shot
from .ncalayer import FakeNCALayer

pytestmark = pytest.mark.e2e


def fill_form(page, live: str, login: str, *, kind: str = "individual", name: str) -> None:
    page.goto(f"{live}/accounts/sign-up/")
    page.fill("#id_login", login)
    page.select_option("#id_kind", kind)
    page.fill("#id_full_name", name)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)


def test_sign_up_through_ncalayer_and_a_foreign_key_refused(new_page, live, ecp, tmp_path):
    login, squatter_key_of = new_login(), new_login()
    holder = {"login": squatter_key_of}

    def sign(data: bytes, detached: bool) -> str:
        person = ecp.person(holder["login"], purpose="auth")
        return ecp.sign_with(person, data, detached=detached)

    page = new_page(locale="en-US")
    with FakeNCALayer(sign, tmp_path) as layer:
        # Someone else's key: the page shows why, and nobody gets the ИИН.
        fill_form(page, live, login, name="Қасымов Ерлан")
        page.click("#ecp-sign-ncalayer")
        page.click("#ecp-storages button")
        expect(page.locator("ul.errors[role=alert]")).to_contain_text("belongs to someone else")
        assert not User.objects.filter(login=login).exists()
        shot(page, "50-sign-up-foreign-key")

        # The holder's own key.
        holder["login"] = login
        fill_form(page, live, login, name="Қасымов Ерлан")
        check_accessibility(page, "sign-up")
        page.click("#ecp-sign-ncalayer")
        page.click("#ecp-storages button")
        page.wait_for_url(re.compile(r".*/cabinet/$"))
        sign_requests = [r for r in layer.requests if r.get("method") == "sign"]
        assert sign_requests[-1]["args"]["signingParams"]["encapsulate"] is True
    user = User.objects.get(login=login)
    assert user.check_password(PASSWORD)
    assert user.full_name == "ТЕСТОВ ТЕСТ"  # from the certificate (the ecp fixture's name)
    shot(page, "51-sign-up-ncalayer-done")


def test_sign_up_a_company_with_the_demo_key(new_page, live):
    bin_ = new_login("legal_entity")
    page = new_page()
    fill_form(page, live, bin_, kind="legal_entity", name="«Жаңа Өріс» ЖШС")
    page.click("#ecp-sign-demo")
    page.wait_for_url(re.compile(r".*/cabinet/$"))
    user = User.objects.get(login=bin_)
    assert (user.kind, user.full_name) == ("legal_entity", "«Жаңа Өріс» ЖШС")


def test_ecp_sign_in_page_with_the_demo_key(new_page, live, make_user):
    """The ЭЦҚ sign-in page asks for its challenge through the browser session (issue 9)."""
    user = make_user(full_name="Ким Светлана")
    page = new_page()
    page.goto(f"{live}/ecp-login/")
    page.fill("#demo-login", user.login)
    page.click("#ecp-sign-demo")
    page.wait_for_url(re.compile(r".*/cabinet/$"))
    challenge = page.context.request.post(f"{live}/ecp-login/challenge/", data={"purpose": "x"})
    assert challenge.status == 403  # CSRF: a page of another site cannot ask for one
