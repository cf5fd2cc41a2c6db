"""Admin: upload a CA certificate or a CRL file to add it to the trust store."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sotkabinet.signatures.models import CertificateRevocationList, TrustedCertificate


@pytest.fixture
def admin_client_(client, django_user_model, db):
    from conftest import make_identity_number

    admin = django_user_model.objects.create_superuser(make_identity_number(), "Adm1n-pass!")
    client.force_login(admin)
    return client


def test_admin_upload_certificate_as_anchor(admin_client_, ecp_pki):
    # README "Operations": ecp_trust semantics: --anchor for a CA that is not self-signed
    upload = SimpleUploadedFile("nca.pem", ecp_pki.nca.certificate_pem)
    response = admin_client_.post(
        "/admin/signatures/trustedcertificate/add/", {"file": upload, "kind": "anchor"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = TrustedCertificate.objects.get()
    assert row.is_anchor and "ҰЛТТЫҚ" in row.subject
    assert (
        admin_client_.get(f"/admin/signatures/trustedcertificate/{row.pk}/change/").status_code
        == 200
    )


def test_admin_upload_certificate_auto_and_garbage(admin_client_, ecp_pki):
    url = "/admin/signatures/trustedcertificate/add/"
    upload = SimpleUploadedFile("root.der", ecp_pki.root.certificate_der)
    assert admin_client_.post(url, {"file": upload, "kind": "auto"}).status_code == 302
    assert TrustedCertificate.objects.get().is_anchor  # self-signed
    bad = SimpleUploadedFile("x.pem", b"garbage")
    response = admin_client_.post(url, {"file": bad, "kind": "auto"})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert TrustedCertificate.objects.count() == 1


def test_admin_upload_crl(admin_client_, ecp_pki):
    url = "/admin/signatures/certificaterevocationlist/add/"
    response = admin_client_.post(url, {"file": SimpleUploadedFile("nca.crl", ecp_pki.nca_crl)})
    assert response.status_code == 302
    row = CertificateRevocationList.objects.get()
    assert row.origin == "imported" and "ҰЛТТЫҚ" in row.issuer
    assert admin_client_.get("/admin/signatures/certificaterevocationlist/").status_code == 200
    bad = admin_client_.post(url, {"file": SimpleUploadedFile("x.crl", b"garbage")})
    assert bad.status_code == 200
    assert CertificateRevocationList.objects.count() == 1


def test_admin_times_name_the_zone(admin_client_, ecp_pki):
    """Issue 10: the trust store's and the CRLs' times in the portal's zone, zone named."""
    certificate = SimpleUploadedFile("nca.pem", ecp_pki.nca.certificate_pem)
    admin_client_.post(
        "/admin/signatures/trustedcertificate/add/", {"file": certificate, "kind": "anchor"}
    )
    crl = SimpleUploadedFile("nca.crl", ecp_pki.nca_crl)
    admin_client_.post("/admin/signatures/certificaterevocationlist/add/", {"file": crl})
    row = TrustedCertificate.objects.get()
    revocations = CertificateRevocationList.objects.get()
    for url in (
        "/admin/signatures/trustedcertificate/",
        f"/admin/signatures/trustedcertificate/{row.pk}/change/",
        "/admin/signatures/certificaterevocationlist/",
        f"/admin/signatures/certificaterevocationlist/{revocations.pk}/change/",
    ):
        page = admin_client_.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert page.status_code == 200, url
        assert "(Asia/Almaty, UTC+5)" in page.content.decode(), url
