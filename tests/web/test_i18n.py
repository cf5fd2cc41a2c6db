"""Languages (issue: every page, e-mail, PDF and error message in Kazakh, Russian and English;
Kazakh is the default; the choice is remembered). The catalogs are locale/<lang>/LC_MESSAGES/
django.po, compiled by `make install`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="kk")
def test_kazakh_is_the_default_language():
    page = Client().get("/accounts/sign-in/").content.decode()
    assert '<html lang="kk">' in page
    assert "<h1>Кіру</h1>" in page
    assert "Мазмұнға өту" in page  # "Skip to content"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="kk")
def test_the_chosen_language_is_remembered_in_a_cookie():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/sign-in/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "ru"
    page = client.get("/accounts/sign-up/").content.decode()
    assert '<html lang="ru">' in page and "создать учётную запись" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "<h1>Sign up</h1>" in client.get("/accounts/sign-up/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("kk", "Алдымен жүйеге кіріңіз."),
        ("ru", "Сначала войдите в систему."),
        ("en", "Sign in first."),
    ],
)
def test_api_error_messages_follow_accept_language(language, text):
    """errors.MESSAGES leave the API in the request's language; the code stays stable."""
    response = Client().get("/api/v1/filings/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"] == text


def untranslated_entries(po_text: str) -> list[str]:
    """The msgids of a .po text whose translation (every msgstr form) is empty."""
    empty = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        if not lines or not lines[0].startswith("msgid"):
            continue
        msgid, msgstrs, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
            elif line.startswith("msgid_plural"):
                current = None
            elif line.startswith("msgstr"):
                msgstrs.append([])
                current = msgstrs[-1]
            if current is not None:
                current.append(line[line.index('"') + 1 : -1])
        if "".join(msgid) and not all("".join(form) for form in msgstrs):
            empty.append("".join(msgid))
    return empty


def test_the_completeness_check_sees_an_empty_translation():
    po_text = 'msgid ""\nmsgstr "header"\n\nmsgid "Yes"\nmsgstr ""\n\nmsgid "No"\nmsgstr "Жоқ"\n'
    assert untranslated_entries(po_text) == ["Yes"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_is_translated(language):
    """No empty translation in the Kazakh and Russian catalogs, and nothing fuzzy."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert untranslated_entries(text) == []
    assert "#, fuzzy" not in text
