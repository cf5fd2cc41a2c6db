"""The lock of a signed act at every level: service/API, model, database and admin (SPEC R-ACT-3),
and the set-once legal-force mark (SPEC R-ACT-5)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from registry import acts
from registry.models import Act, ActStatus
from sotkabinet.documents.samples import pdf_bytes
from sotkabinet.errors import Conflict

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    judge_fixture,
    mark_legal_force,
    party_fixture,
    representative_fixture,
    sign_act,
    upload_act,
)


@pytest.fixture
def signed_act(case, judge, ecp, tmp_path):
    return sign_act(upload_act(case, judge, tmp_path), judge, ecp)


# -- model level ----------------------------------------------------------------------------------


def test_orm_save_of_a_signed_act_is_refused(signed_act):
    """SPEC R-ACT-3: Act.save() refuses any content change once the act is signed."""
    act = Act.objects.get(pk=signed_act.pk)
    act.title = "Өзгертілген"
    with pytest.raises(Conflict) as error:
        act.save()
    assert error.value.code == "locked"
    assert error.value.details["fields"] == ["title"]
    assert Act.objects.get(pk=signed_act.pk).title == signed_act.title


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sha256", "0" * 64),
        ("blob", "blobs/00/00/" + "0" * 64),
        ("kind", "order"),
        ("status", ActStatus.DRAFT),
        ("signature_payload", "{}"),
        ("signature_cms", b"forged"),
    ],
)
def test_every_locked_field_is_guarded_by_save(signed_act, field, value):
    act = Act.objects.get(pk=signed_act.pk)
    setattr(act, field, value)
    with pytest.raises(Conflict):
        act.save()


def test_saving_a_signed_act_unchanged_is_allowed(signed_act):
    """The guard refuses changes, not writes: an unchanged save goes through."""
    act = Act.objects.get(pk=signed_act.pk)
    act.save()
    act.refresh_from_db()
    assert act.title == signed_act.title


def test_a_draft_can_still_be_changed_through_the_orm(case, judge, tmp_path):
    act = upload_act(case, judge, tmp_path)
    act.title = "Жоба"
    act.save()
    Act.objects.filter(pk=act.pk).update(title="Жоба 2")
    assert Act.objects.get(pk=act.pk).title == "Жоба 2"


def test_a_signed_act_cannot_be_deleted(signed_act):
    with pytest.raises(Conflict):
        Act.objects.get(pk=signed_act.pk).delete()
    assert Act.objects.filter(pk=signed_act.pk).exists()


# -- database level -------------------------------------------------------------------------------


def test_lock_trigger_is_installed(db):
    """The trigger of migration 0003 survives every later migration (a SQLite table rebuild
    would drop it silently)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'registry_act'::regclass "
                "AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'registry_act'"
            )
        names = {row[0] for row in cursor.fetchall()}
    assert "registry_act_lock" in names


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Жаңа"},
        {"sha256": "0" * 64},
        {"blob": "blobs/00/00/" + "0" * 64},
        {"date": "2020-01-01"},
        {"kind": "order"},
        {"status": ActStatus.DRAFT},
        {"signature_payload": "{}"},
        {"signature_cms": b"forged"},
        {"signer": None},
    ],
)
def test_queryset_update_of_a_signed_act_is_refused_by_the_database(signed_act, changes):
    """SPEC R-ACT-3: `.update()` bypasses Act.save(); the trigger refuses it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Act.objects.filter(pk=signed_act.pk).update(**changes)
    stored = Act.objects.get(pk=signed_act.pk)
    assert stored.title == signed_act.title and stored.sha256 == signed_act.sha256
    assert stored.status == ActStatus.SIGNED


def test_raw_sql_update_of_a_signed_act_is_refused(signed_act):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_act SET sha256 = %s WHERE id = %s", ["f" * 64, signed_act.pk]
        )
    assert Act.objects.get(pk=signed_act.pk).sha256 == signed_act.sha256


def test_legal_force_fields_are_set_once(signed_act, judge, ecp):
    """SPEC R-ACT-5: the mark may be set on a signed act, then never changed."""
    act = mark_legal_force(signed_act, judge, ecp)
    with pytest.raises(IntegrityError), transaction.atomic():
        Act.objects.filter(pk=act.pk).update(verify_code="guessable")
    with pytest.raises(IntegrityError), transaction.atomic():
        Act.objects.filter(pk=act.pk).update(legal_force_date=act.date.replace(year=2000))
    stored = Act.objects.get(pk=act.pk)
    stored.legal_force_date = None
    with pytest.raises(Conflict):
        stored.save()
    assert Act.objects.get(pk=act.pk).verify_code == act.verify_code


def test_a_legal_force_mark_needs_a_signed_act(case, judge, tmp_path):
    act = upload_act(case, judge, tmp_path)
    with pytest.raises(IntegrityError), transaction.atomic():
        Act.objects.filter(pk=act.pk).update(legal_force_date=act.date)


# -- service / API level --------------------------------------------------------------------------


def test_patch_of_a_signed_act_is_409_locked(client_for, signed_act, judge):
    client = client_for(judge)
    response = client.patch(f"/api/v1/acts/{signed_act.pk}/", {"title": "Жаңа"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    replaced = client.patch(
        f"/api/v1/acts/{signed_act.pk}/",
        {"file": SimpleUploadedFile("v2.pdf", pdf_bytes("Басқа мәтін"))},
        format="multipart",
    )
    assert replaced.status_code == 409
    assert replaced.json()["error"]["code"] == "locked"
    stored = Act.objects.get(pk=signed_act.pk)
    assert (stored.title, stored.sha256) == (signed_act.title, signed_act.sha256)


def test_service_update_of_a_signed_act_is_locked(signed_act, judge):
    with pytest.raises(Conflict) as error:
        acts.act_update(acting_user=judge, act=signed_act, title="Жаңа")
    assert error.value.code == "locked"


# -- admin level ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user("clerk", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _change_form(act: Act) -> dict:
    return {"title": "Админ өзгертті", "kind": "order", "date": act.date.isoformat()}


def test_admin_shows_a_signed_act_read_only_and_refuses_a_post(admin_client, signed_act):
    """SPEC R-ACT-3: the admin change form of a signed act has no inputs; a POST is 403."""
    url = f"/admin/registry/act/{signed_act.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert signed_act.sha256.encode() in page.content
    response = admin_client.post(url, _change_form(signed_act))
    assert response.status_code == 403
    stored = Act.objects.get(pk=signed_act.pk)
    assert (stored.title, stored.kind) == (signed_act.title, signed_act.kind)
    delete = admin_client.post(f"/admin/registry/act/{signed_act.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert Act.objects.filter(pk=signed_act.pk).exists()


def test_admin_may_correct_a_draft(admin_client, case, judge, tmp_path):
    """The same form works for a draft, so the refusal above is the lock, not the form."""
    act = upload_act(case, judge, tmp_path)
    url = f"/admin/registry/act/{act.pk}/change/"
    assert b'name="title"' in admin_client.get(url).content
    response = admin_client.post(url, _change_form(act))
    assert response.status_code == 302
    stored = Act.objects.get(pk=act.pk)
    assert (stored.title, stored.kind) == ("Админ өзгертті", "order")
