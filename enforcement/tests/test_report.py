"""The chamber's distribution report, JSON and CSV (SPEC R-ENF-6; 002 п.15, п.16)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from enforcement.distribution import CATEGORIES
from enforcement.tests.conftest import new_login

pytestmark = pytest.mark.usefixtures("ais_oip")

URL = "/api/v1/enforcement/report/"


@pytest.fixture
def distributed(dispatched, make_bailiff, district, medeu):
    first = make_bailiff(district, full_name="Бірінші Орындаушы")
    second = make_bailiff(district, full_name='=HYPERLINK("evil")')
    elsewhere = make_bailiff(medeu)
    for category, amount in (("individual_sum", "10.00"), ("alimony", None), ("alimony", None)):
        debtor = {"name": "Борышкер", "iin_bin": new_login("8505054"), "district": district.code}
        dispatched(category=category, amount=amount, debtor=debtor)
    return first, second, elsewhere


def rows_by(body) -> dict:
    return {(row["bailiff"]["login"], row["category"]): row["count"] for row in body["results"]}


def test_r_enf_6_report_counts_per_bailiff_and_category(
    distributed, client_for, people
):  # SPEC R-ENF-6 (002 п.15)
    first, second, elsewhere = distributed
    today = timezone.localdate().isoformat()
    response = client_for(people.chamber).get(URL, {"from": today, "to": today})
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert (body["from"], body["to"], body["total"]) == (today, today, 3)
    counts = rows_by(body)
    # Every bailiff of the registry, every category, zeros included.
    assert len(counts) == 3 * len(CATEGORIES)
    assert counts[(first.login, "individual_sum")] == 1
    assert counts[(first.login, "alimony")] + counts[(second.login, "alimony")] == 2
    assert counts[(first.login, "alimony")] == counts[(second.login, "alimony")] == 1
    assert sum(counts[(elsewhere.login, category)] for category in CATEGORIES) == 0
    spread = {(row["district"], row["category"]): row["spread"] for row in body["spread"]}
    assert spread[("ALM-BOST", "individual_sum")] == 1
    assert spread[("ALM-BOST", "alimony")] == 0
    # A period without distributions counts nothing.
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    empty = client_for(people.chamber).get(URL, {"from": yesterday, "to": yesterday}).json()
    assert empty["total"] == 0
    assert set(rows_by(empty).values()) == {0}
    # Filter by district.
    medeu_only = client_for(people.chamber).get(URL, {"district": "ALM-MED"}).json()
    assert {row["bailiff"]["login"] for row in medeu_only["results"]} == {elsewhere.login}


def test_r_enf_6_report_as_csv(distributed, client_for, people):  # SPEC R-ENF-6
    first, second, _elsewhere = distributed
    response = client_for(people.chamber).get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="distribution-report-')
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["bailiff_login", "bailiff_name", "district", "category", "count"]
    assert len(table) == 1 + 3 * len(CATEGORIES)
    assert [first.login, "Бірінші Орындаушы", "ALM-BOST", "individual_sum", "1"] in table
    # A name that looks like a formula is written as text.
    assert any(row[1] == '\'=HYPERLINK("evil")' for row in table if row[0] == second.login)


def test_r_enf_6_only_the_chamber_sees_the_report(distributed, client_for, people):
    for user in (people.judge, people.claimant, distributed[0]):
        assert client_for(user).get(URL).status_code == 403
        csv_attempt = client_for(user).get(URL, {"format": "csv"})
        assert csv_attempt.status_code == 403
        assert csv_attempt.json()["error"]["code"] == "forbidden"


def test_report_rejects_bad_periods(client_for, people, db):
    chamber = client_for(people.chamber)
    assert chamber.get(URL, {"from": "yesterday"}).status_code == 400
    assert chamber.get(URL, {"from": "2026-11-20", "to": "2026-11-01"}).status_code == 400


def test_r_enf_6_admin_report_page_and_csv(distributed, client, people):  # SPEC R-ENF-6
    people.chamber.is_staff = True
    people.chamber.save()
    client.force_login(people.chamber)
    page = client.get("/admin/enforcement/registration/report/")
    assert page.status_code == 200
    assert "Бірінші Орындаушы" in page.content.decode()
    today = timezone.localdate().isoformat()
    download = client.get(
        "/admin/enforcement/registration/report/",
        {"date_from": today, "date_to": today, "format": "csv"},
    )
    assert download["Content-Type"].startswith("text/csv")
    assert "Бірінші Орындаушы" in download.content.decode("utf-8-sig")
    assert client.get("/admin/enforcement/registration/").status_code == 200
    assert client.get("/admin/enforcement/bailiffprofile/").status_code == 200
