"""issue 10: each user's language is stored, and notices, e-mails and SMS go out in it only.

It is set from Accept-Language at sign-up (API, web, the first ЭЦҚ sign-in), by the language
switcher while signed in, and in the admin. `notify` renders each message per recipient under
`translation.override(user.language)` and stores the rendered text.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils.translation import gettext_lazy

from conftest import new_login
from sotkabinet.accounts.models import User
from sotkabinet.core.models import Notification
from sotkabinet.core.services import Text, notify
from sotkabinet.core.sms import LocmemSmsBackend

pytestmark = pytest.mark.django_db

PASSWORD = "Kokshetau-2026!"
TRANSFERRED = gettext_lazy("Case %(number)s was transferred to the archive.")
TEXTS = {
    "kk": "A-1 ісі мұрағатқа тапсырылды.",
    "ru": "Дело A-1 передано в архив.",
    "en": "Case A-1 was transferred to the archive.",
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_api_sign_up_stores_the_accept_language(api_client, ecp, language):
    login = new_login()
    proof = ecp.registration_proof(api_client, login)
    body = {"login": login, "password": PASSWORD, "full_name": "X", "kind": "individual", **proof}
    response = api_client.post(
        "/api/v1/accounts/register/",
        body,
        format="json",
        HTTP_ACCEPT_LANGUAGE=f"{language}-KZ,{language};q=0.9,en;q=0.5",
    )
    assert response.status_code == 201, response.content
    assert User.objects.get(login=login).language == language


def test_web_sign_up_stores_the_page_language(ecp):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    login = new_login()
    nonce = client.post("/ecp-login/challenge/", {"purpose": "register"}).json()["nonce"]
    form = {
        "login": login,
        "kind": "individual",
        "full_name": "Ерлан Болатұлы",
        "email": "",
        "phone": "",
        "business_size": "",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "nonce": nonce,
        "cms": ecp.sign_nonce(login, nonce),
    }
    response = client.post("/accounts/sign-up/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert User.objects.get(login=login).language == "ru"


def test_first_ecp_sign_in_stores_the_accept_language(api_client, ecp):
    login = new_login()
    nonce = api_client.post("/api/v1/auth/ecp/challenge/").json()["nonce"]
    response = api_client.post(
        "/api/v1/auth/ecp/",
        {"nonce": nonce, "cms": ecp.sign_nonce(login, nonce)},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200, response.content
    assert User.objects.get(login=login).language == "ru"


def test_the_language_switcher_stores_a_signed_in_users_choice(make_user):
    user = make_user("applicant", language="kk")
    client = Client()
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/cabinet/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "ru"
    user.refresh_from_db()
    assert user.language == "ru"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not a portal language
    user.refresh_from_db()
    assert user.language == "ru"


def test_the_switcher_still_works_signed_out():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/sign-in/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


def test_the_language_is_editable_in_the_admin(make_user):
    admin = User.objects.create_superuser(new_login(), PASSWORD)
    user = make_user("applicant", language="kk")
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="language"' in page


@override_settings(SMS_BACKEND="sotkabinet.core.sms.LocmemSmsBackend")
def test_a_notice_goes_out_in_each_recipients_language_only(
    make_user, django_capture_on_commit_callbacks
):
    LocmemSmsBackend.outbox.clear()
    people = {
        language: make_user("applicant", language=language, phone=f"+7701000000{index}")
        for index, language in enumerate(TEXTS)
    }
    with django_capture_on_commit_callbacks(execute=True):
        for user in people.values():
            notify(user, "archive_transferred", Text(TRANSFERRED, number="A-1"))
    for language, user in people.items():
        notice = Notification.objects.get(user=user)
        assert notice.text == TEXTS[language]
        message = next(m for m in mail.outbox if m.to == [user.email])
        assert TEXTS[language] in message.body
        portal = {"kk": "Сот кабинеті", "ru": "Судебный кабинет", "en": "Court Cabinet"}
        assert message.subject == f"{portal[language]}: {TEXTS[language]}"
        assert (user.phone, TEXTS[language]) in LocmemSmsBackend.outbox
    # Only one language in each: no "kk / ru" glued together.
    assert all(" / " not in m.subject for m in mail.outbox)


@override_settings(LANGUAGE_CODE="kk")
def test_a_user_without_a_language_reads_the_portal_default(make_user):
    user = make_user("applicant")
    assert user.language == ""
    notify(user, "archive_transferred", Text(TRANSFERRED, number="A-1"))
    assert Notification.objects.get(user=user).text == TEXTS["kk"]
