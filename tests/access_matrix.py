"""The authorisation matrix: who gets what from every route of the portal (issue 9).

The data here is what `tests/test_access_matrix.py` asserts, cell by cell, against one world of
real objects (`tests/access_world.py`), and what the README's "Authorisation matrix" shows.
Print the README table with `python -m tests.access_matrix` (or `make access-matrix`).

Expected answers follow the REST conventions of the README ("REST API"):
- `ok`: the access check lets the caller through (the answer is then 2xx, a redirect that is not
  the sign-in page, or a 400/409 about the body or the object's state);
- `401`: no credentials on the API; `sign-in`: a web page sends an anonymous visitor to sign in;
- `403`: the caller may know the object exists (their court's filing, their case) but may not do
  this; `404`: not found, or not the caller's to see; `405`: the method does not apply.

Rules are grouped: a rule names the roles it lets through and the roles that get 403; every other
signed-in role gets the rule's `otherwise` (404 by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, DENIED, HIDDEN, UNAUTHENTICATED, SIGN_IN, NOT_ALLOWED = (
    "ok",
    "403",
    "404",
    "401",
    "sign-in",
    "405",
)
ADMIN_SIGN_IN = "admin-sign-in"

#: Column order and the labels of the README table.
ROLES: dict[str, str] = {
    "anonymous": "anonymous",
    "applicant_a": "applicant A (owner)",
    "applicant_b": "applicant B",
    "attorney": "attorney with A's power",
    "attorney_no_power": "attorney without a power",
    "clerk": "clerk of the court",
    "clerk_other": "clerk of another court",
    "judge": "judge of the case",
    "judge_other": "another judge of the court",
    "secretary": "secretary of the case",
    "chairman": "chairman of the court",
    "chamber": "chamber of the region",
    "chamber_other": "chamber of another region",
    "bailiff": "bailiff assigned",
    "bailiff_other": "another bailiff",
    "archivist": "archivist of the court",
    "admin": "administrator",
}
SHORT = {
    "anonymous": "anon",
    "applicant_a": "A",
    "applicant_b": "B",
    "attorney": "att",
    "attorney_no_power": "att−",
    "clerk": "clk",
    "clerk_other": "clk′",
    "judge": "jdg",
    "judge_other": "jdg′",
    "secretary": "sec",
    "chairman": "chr",
    "chamber": "chm",
    "chamber_other": "chm′",
    "bailiff": "blf",
    "bailiff_other": "blf′",
    "archivist": "arc",
    "admin": "adm",
}
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
STAFF = frozenset({"clerk", "clerk_other", "chamber", "chamber_other", "admin"})  # is_staff
COURT_STAFF = frozenset({"clerk", "judge", "judge_other", "secretary", "chairman", "archivist"})
PARTY = frozenset({"applicant_a", "attorney"})
CASE_READERS = PARTY | COURT_STAFF


@dataclass(frozen=True)
class Rule:
    """Who passes (`allowed`), who gets 403 (`denied`); the other signed-in roles get
    `otherwise`. Anonymous callers get 401 on the API and the sign-in page on the web, unless
    `anonymous` says otherwise."""

    title: str
    allowed: frozenset[str]
    denied: frozenset[str] = frozenset()
    otherwise: str = HIDDEN
    anonymous: str | None = None
    # Some roles get a specific answer (e.g. 405 for a method that does not apply).
    special: tuple[tuple[str, str], ...] = ()
    # A web page may show nothing about what it refuses: 404 where the API says 403.
    web_denied: str = DENIED

    def expect(self, role: str, web: bool) -> str:
        special = dict(self.special)
        if role in special:
            return special[role]
        if role == "anonymous":
            if self.anonymous is not None:
                return self.anonymous
            if "anonymous" in self.allowed:
                return OK
            return SIGN_IN if web else UNAUTHENTICATED
        if role in self.allowed:
            return OK
        if role in self.denied:
            return self.web_denied if web else DENIED
        return self.otherwise


def rule(title, allowed=(), denied=(), **kwargs) -> Rule:
    allowed, denied = frozenset(allowed), frozenset(denied) - frozenset(allowed)
    return Rule(title, allowed, denied, **kwargs)


def admin_rule(title, allowed, *, denied=(), hidden=()) -> Rule:
    """A Django admin page: non-staff and anonymous callers see the admin's sign-in page."""
    special = tuple((role, HIDDEN) for role in frozenset(hidden) - frozenset(allowed))
    return Rule(
        title,
        frozenset(allowed),
        frozenset(denied) - frozenset(allowed),
        otherwise=ADMIN_SIGN_IN,
        anonymous=ADMIN_SIGN_IN,
        special=special,
    )


EVERYONE = frozenset(ROLES)
RULES: dict[str, Rule] = {
    "public": rule("Public: anyone, signed in or not", EVERYONE),
    "signed-in": rule("Any signed-in user (lists show only the caller's own)", SIGNED_IN),
    "signed-in-json": rule(
        "Any signed-in user; a JSON answer for anonymous callers",
        SIGNED_IN,
        anonymous=UNAUTHENTICATED,
    ),
    "sign-out": rule(
        "Sign out: everyone ends on the sign-in page",
        (),
        special=tuple((role, SIGN_IN) for role in ROLES),
    ),
    "method": rule("The method does not apply", (), otherwise=NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "method-signed-in": rule(
        "The method does not apply (sign-in is checked first)", (), otherwise=NOT_ALLOWED
    ),
    # Filings (docs/api.md; issue 9 "Unsent drafts are private").
    "draft": rule("An unsent draft: its author only; court staff get 404", {"applicant_a"}),
    "filing-read": rule(
        "A sent filing: its author, and the staff of its court", {"applicant_a"} | COURT_STAFF
    ),
    "filing-write": rule(
        "Change a sent filing: its author; the court's staff 403 (web: 404)",
        {"applicant_a"},
        COURT_STAFF,
        web_denied=HIDDEN,
    ),
    "clerk-queue": rule(
        "The registration queue: clerks and chairmen",
        {"clerk", "clerk_other", "chairman"},
        SIGNED_IN,
    ),
    "clerk-decides": rule(
        "Register / reject: the clerk of the filing's court",
        {"clerk"},
        {"applicant_a"} | COURT_STAFF,
    ),
    "clerk-decides-draft": rule(
        "Register / reject a draft: the clerk gets 409, its author 403, no one else sees it",
        {"clerk"},
        {"applicant_a"},
    ),
    # Cases and acts (docs/api.md).
    "case-read": rule(
        "The case: parties, their attorneys, the judge, the court's staff", CASE_READERS
    ),
    "judge-of-case": rule("The case's judge; other case readers 403", {"judge"}, CASE_READERS),
    "draft-act": rule("A draft act: the court's staff; parties 404 (R-ACT-4)", COURT_STAFF),
    "judge-of-draft-act": rule(
        "Change a draft act: its judge; the court's staff 403", {"judge"}, COURT_STAFF
    ),
    "absence": rule(
        "Mark a judge absent: chairman or clerk of the judge's court",
        {"chairman", "clerk"},
        SIGNED_IN,
        otherwise=DENIED,
    ),
    # Enforcement (docs/api.md).
    "writ-read": rule(
        "A writ: parties, the court, the chamber of its region, the assigned bailiff",
        {"applicant_a"} | COURT_STAFF | {"chamber", "bailiff"},
    ),
    "writ-sign": rule(
        "Sign a writ: the judge, then the court's secretary",
        {"judge", "secretary"},
        {"applicant_a"} | COURT_STAFF | {"chamber", "bailiff"},
    ),
    "writ-status": rule(
        "Report a writ's status: the assigned bailiff; other readers 403 (web: 404)",
        {"bailiff"},
        {"applicant_a"} | COURT_STAFF | {"chamber"},
        web_denied=HIDDEN,
    ),
    "writ-reassign": rule(
        "Reassign a writ: the chamber of its region",
        {"chamber"},
        {"applicant_a"} | COURT_STAFF | {"bailiff"},
    ),
    "writ-resubmit": rule(
        "Resubmit a writ: a party or the court; other readers 403 (web: 404)",
        {"applicant_a"} | COURT_STAFF,
        {"chamber", "bailiff"},
        web_denied=HIDDEN,
    ),
    "writ-issue": rule("Issue a writ on an act: the case's judge", {"judge"}, CASE_READERS),
    "chamber": rule(
        "The chamber's desk", {"chamber", "chamber_other"}, SIGNED_IN, otherwise=DENIED
    ),
    "chamber-own-bailiff": rule(
        "A bailiff's record: the chamber of the bailiff's region",
        {"chamber"},
        SIGNED_IN - {"chamber_other"},
    ),
    "chamber-bailiff-of-other-region": rule(
        "The same for a bailiff of the other region: that region's chamber only",
        {"chamber_other"},
        SIGNED_IN - {"chamber"},
    ),
    "service": rule("The enforcement system's service token only", (), SIGNED_IN, otherwise=DENIED),
    # Archive (docs/api.md).
    "inventory": rule(
        "The inventory: the case's judge and secretary", {"judge", "secretary"}, CASE_READERS
    ),
    "transfer": rule("Transfer to the archive: the secretary", {"secretary"}, CASE_READERS),
    "archive-read": rule(
        "An archived case: the judge, the secretary, the court's archivist, the parties",
        {"judge", "secretary", "archivist"} | PARTY,
    ),
    "archive-keeper": rule(
        "Export / dispose: the court's archivist",
        {"archivist"},
        {"judge", "secretary"} | PARTY,
    ),
    "archivist": rule("Archive work lists: archivists", {"archivist"}, SIGNED_IN, otherwise=DENIED),
    # Powers of attorney (docs/api.md).
    "power-read": rule("A power of attorney: its principal and attorneys", PARTY),
    "power-principal": rule(
        "Change a power: its principal; its attorneys 403", {"applicant_a"}, {"attorney"}
    ),
    # Web pages of the court.
    "judge-desk": rule(
        "The judge's desk: judges and chairmen (a refusal inside the desk is a message)",
        {"judge", "judge_other", "chairman"},
        SIGNED_IN,
    ),
    "judge-desk-case": rule("A case on the judge's desk: its judge only", {"judge"}, SIGNED_IN),
    # The Django admin (the clerk desk and the chamber work there): people without a staff
    # account are sent to the admin's sign-in page; other staff get 403 or 404.
    "admin-site": admin_rule("The admin site: staff accounts", STAFF),
    "admin-superuser": admin_rule(
        "User administration: administrators; other staff 403", {"admin"}, denied=STAFF
    ),
    "clerk-desk": admin_rule(
        "The clerk's desk: clerks (their courts' filings) and administrators",
        {"clerk", "clerk_other", "admin"},
        denied=STAFF,
    ),
    "clerk-desk-card": admin_rule(
        "A sent filing at the clerk's desk: the clerk of its court; other staff 404",
        {"clerk", "admin"},
        hidden=STAFF,
    ),
    "clerk-desk-draft": admin_rule("A draft at the clerk's desk: no one (404)", (), hidden=STAFF),
    "admin-chamber": admin_rule(
        "The chamber's pages in the admin: chambers and administrators",
        {"chamber", "chamber_other", "admin"},
        denied=STAFF,
    ),
    "admin-archive": admin_rule(
        "An archive transfer in the admin: administrators", {"admin"}, denied=STAFF
    ),
}


@dataclass(frozen=True)
class Entry:
    """One (route, method, object) of the matrix. `route` is the URL pattern as the resolver
    writes it; `kwargs` names world objects (tests/access_world.py) for its parameters."""

    route: str
    method: str
    rule: str
    kwargs: dict = field(default_factory=dict, hash=False, compare=False)
    query: str = ""
    body: dict | None = field(default=None, hash=False, compare=False)
    label: str = ""

    @property
    def web(self) -> bool:
        return not self.route.startswith("api/")

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}" + (f" [{self.label}]" if self.label else "")


def E(route, method, rule_name, label="", query="", body=None, **kwargs) -> Entry:
    return Entry(route, method, rule_name, kwargs, query, body, label)


PDF = "@pdf"  # a body value: a fresh small PDF upload (the body goes as multipart)
CMS = "MIIBAA=="  # a body value: base64 that is no CMS (the signer's check answers 400)
FILING = {"pk": "queued_filing"}
DRAFT = {"pk": "draft_filing"}
ENTRIES: list[Entry] = [
    # Accounts, sign-in, reference data.
    E("api/v1/accounts/register/", "POST", "public", body={}),
    E("api/v1/auth/token/", "POST", "public", body={}),
    E("api/v1/auth/ecp/challenge/", "POST", "public"),
    E("api/v1/auth/ecp/", "POST", "public", body={}),
    E("api/v1/me/", "GET", "signed-in"),
    E("api/v1/courts/", "GET", "public"),
    E("api/v1/districts/", "GET", "public"),
    E("api/v1/signatures/verify/", "POST", "signed-in", body={}),
    E("api/schema/", "GET", "public"),
    E("api/docs/", "GET", "public"),
    E("i18n/setlang/", "POST", "public", body={"language": "ru"}),
    # Filings.
    E("api/v1/filings/", "GET", "signed-in"),
    E("api/v1/filings/", "POST", "signed-in", body={}),
    E("api/v1/filings/<int:pk>/", "GET", "draft", "draft", pk="draft_filing"),
    E("api/v1/filings/<int:pk>/", "GET", "filing-read", "sent", pk="queued_filing"),
    E("api/v1/filings/<int:pk>/", "DELETE", "method-signed-in", "sent", pk="queued_filing"),
    E("api/v1/filings/<int:pk>/attachments/", "POST", "draft", "draft", body={}, pk="draft_filing"),
    E("api/v1/filings/<int:pk>/attachments/", "POST", "filing-write", "sent", body={}, **FILING),
    E(
        "api/v1/filings/<int:pk>/attachments/<int:attachment_pk>/",
        "GET",
        "draft",
        "draft",
        pk="draft_filing",
        attachment_pk="draft_attachment",
    ),
    E(
        "api/v1/filings/<int:pk>/attachments/<int:attachment_pk>/",
        "DELETE",
        "draft",
        "draft",
        pk="draft_filing",
        attachment_pk="draft_attachment",
    ),
    E(
        "api/v1/filings/<int:pk>/attachments/<int:attachment_pk>/",
        "GET",
        "filing-read",
        "sent",
        pk="queued_filing",
        attachment_pk="queued_attachment",
    ),
    E(
        "api/v1/filings/<int:pk>/attachments/<int:attachment_pk>/",
        "DELETE",
        "filing-write",
        "sent",
        pk="queued_filing",
        attachment_pk="queued_attachment",
    ),
    E("api/v1/filings/<int:pk>/signing-payload/", "GET", "draft", "draft", **DRAFT),
    E("api/v1/filings/<int:pk>/signing-payload/", "GET", "filing-read", "sent", **FILING),
    E("api/v1/filings/<int:pk>/submit/", "POST", "draft", "draft", body={}, **DRAFT),
    E("api/v1/filings/<int:pk>/submit/", "POST", "filing-write", "sent", body={}, **FILING),
    E("api/v1/filings/<int:pk>/submit/", "GET", "method-signed-in", "sent", **FILING),
    E("api/v1/filings/<int:pk>/talon.pdf", "GET", "draft", "draft", **DRAFT),
    E("api/v1/filings/<int:pk>/talon.pdf", "GET", "filing-read", "sent", **FILING),
    E("api/v1/notifications/", "GET", "signed-in"),
    E("api/v1/notifications/<int:pk>/", "GET", "draft", "A's notice", pk="notification"),
    # State duty.
    E("api/v1/duty/quote/", "GET", "signed-in", query="proceeding=civil&kind=claim"),
    E("api/v1/filings/<int:pk>/payments/", "POST", "draft", "draft", body={}, **DRAFT),
    E("api/v1/filings/<int:pk>/payments/", "POST", "filing-write", "sent", body={}, **FILING),
    E("api/v1/payments/callback/", "POST", "public", body={}),
    E("api/v1/payments/check/", "GET", "signed-in", query="code=MX-RECEIPT-1"),
    E("api/v1/filings/<int:pk>/receipts/", "POST", "draft", "draft", body={}, **DRAFT),
    E("api/v1/filings/<int:pk>/receipts/", "POST", "filing-write", "sent", body={}, **FILING),
    E("api/v1/filings/<int:pk>/deferral/", "POST", "draft", "draft", body={}, **DRAFT),
    E("api/v1/filings/<int:pk>/deferral/", "POST", "filing-write", "sent", body={}, **FILING),
    # Powers of attorney.
    E("api/v1/powers/", "GET", "signed-in"),
    E("api/v1/powers/", "POST", "signed-in", body={}),
    E("api/v1/powers/<int:pk>/", "GET", "power-read", pk="power"),
    E("api/v1/powers/<int:pk>/head-order/", "POST", "power-principal", body={}, pk="power"),
    E("api/v1/powers/<int:pk>/signing-payload/", "GET", "power-principal", pk="power"),
    E("api/v1/powers/<int:pk>/sign/", "POST", "power-principal", body={}, pk="power"),
    E("api/v1/powers/<int:pk>/revoke/", "POST", "power-principal", body={}, pk="power"),
    E("api/v1/powers/<int:pk>/document/", "GET", "power-read", pk="power"),
    # Cases and acts.
    E("api/v1/cases/<int:case_id>/", "GET", "case-read", case_id="case"),
    E("api/v1/cases/<int:case_id>/", "POST", "method-signed-in", case_id="case", body={}),
    E(
        "api/v1/cases/<int:case_id>/closed/",
        "POST",
        "judge-of-case",
        case_id="case",
        body={"closed": True, "reason": "Бала асырап алу құпиясы"},
    ),
    E("api/v1/cases/<int:case_id>/acts/", "GET", "case-read", case_id="case"),
    E(
        "api/v1/cases/<int:case_id>/acts/",
        "POST",
        "judge-of-case",
        case_id="case",
        body={"file": PDF, "kind": "ruling", "title": "Ұйғарым"},
    ),
    E("api/v1/acts/<int:act_id>/", "GET", "case-read", "signed", act_id="act"),
    E("api/v1/acts/<int:act_id>/", "GET", "draft-act", "draft", act_id="draft_act"),
    E("api/v1/acts/<int:act_id>/", "PATCH", "judge-of-case", "signed", act_id="act", body={}),
    E(
        "api/v1/acts/<int:act_id>/",
        "PATCH",
        "judge-of-draft-act",
        "draft",
        act_id="draft_act",
        body={},
    ),
    E("api/v1/acts/<int:act_id>/document/", "GET", "case-read", "signed", act_id="act"),
    E("api/v1/acts/<int:act_id>/document/", "GET", "draft-act", "draft", act_id="draft_act"),
    E(
        "api/v1/acts/<int:act_id>/signing-payload/",
        "GET",
        "judge-of-draft-act",
        "draft",
        act_id="draft_act",
    ),
    E(
        "api/v1/acts/<int:act_id>/sign/",
        "POST",
        "judge-of-draft-act",
        "draft",
        act_id="draft_act",
        body={"cms": CMS},
    ),
    E(
        "api/v1/acts/<int:act_id>/sign/",
        "POST",
        "judge-of-case",
        "signed",
        act_id="act",
        body={"cms": CMS},
    ),
    E("api/v1/acts/<int:act_id>/legal-force-payload/", "GET", "judge-of-case", act_id="act"),
    E(
        "api/v1/acts/<int:act_id>/legal-force/",
        "POST",
        "judge-of-case",
        act_id="act",
        body={"date": "2026-01-05", "cms": CMS},
    ),
    E("api/v1/acts/<int:act_id>/pdf/", "GET", "case-read", act_id="act"),
    E(
        "api/v1/staff/<str:login>/absence/",
        "POST",
        "absence",
        login="judge_login",
        body={"from": "2030-01-06", "to": "2030-01-07", "reason": "Ауру"},
    ),
    # The registration desk.
    E("api/v1/registry/queue/", "GET", "clerk-queue"),
    E(
        "api/v1/registry/filings/<int:filing_id>/register/",
        "POST",
        "clerk-decides",
        "sent",
        body={},
        filing_id="queued_filing",
    ),
    E(
        "api/v1/registry/filings/<int:filing_id>/register/",
        "POST",
        "clerk-decides-draft",
        "draft",
        body={},
        filing_id="draft_filing",
    ),
    E(
        "api/v1/registry/filings/<int:filing_id>/reject/",
        "POST",
        "clerk-decides",
        "sent",
        body={"ground": "duplicate", "comment": ""},
        filing_id="queued_filing",
    ),
    E(
        "api/v1/registry/filings/<int:filing_id>/reject/",
        "POST",
        "clerk-decides-draft",
        "draft",
        body={"ground": "duplicate", "comment": ""},
        filing_id="draft_filing",
    ),
    # Enforcement.
    E("api/v1/acts/<int:pk>/writs/", "POST", "writ-issue", body={}, pk="act"),
    E("api/v1/writs/", "GET", "signed-in"),
    E("api/v1/writs/<int:pk>/", "GET", "writ-read", pk="writ"),
    E("api/v1/writs/<int:pk>/signing-payload/", "GET", "writ-sign", pk="writ"),
    E("api/v1/writs/<int:pk>/sign/", "POST", "writ-sign", body={"cms": CMS}, pk="writ"),
    E("api/v1/writs/<int:pk>/resubmit/", "POST", "writ-resubmit", body={}, pk="writ"),
    E("api/v1/enforcement/writs/<int:pk>/status/", "POST", "writ-status", body={}, pk="writ"),
    E("api/v1/enforcement/writs/<int:pk>/reassign/", "POST", "writ-reassign", body={}, pk="writ"),
    E("api/v1/enforcement/report/", "GET", "chamber"),
    E("api/v1/enforcement/bailiffs/", "GET", "chamber"),
    E(
        "api/v1/enforcement/bailiffs/<str:login>/",
        "GET",
        "chamber-own-bailiff",
        login="bailiff_login",
    ),
    E(
        "api/v1/enforcement/bailiffs/<str:login>/",
        "PATCH",
        "chamber-own-bailiff",
        body={},
        login="bailiff_login",
    ),
    E(
        "api/v1/enforcement/bailiffs/<str:login>/absences/",
        "POST",
        "chamber-own-bailiff",
        body={},
        login="bailiff_login",
    ),
    E(
        "api/v1/enforcement/bailiffs/<str:login>/redistribute/",
        "POST",
        "chamber-own-bailiff",
        body={},
        login="bailiff_login",
    ),
    E(
        "api/v1/enforcement/bailiffs/<str:login>/",
        "GET",
        "chamber-bailiff-of-other-region",
        "other region",
        login="other_bailiff_login",
    ),
    E(
        "api/v1/enforcement/bailiffs/<str:login>/",
        "PATCH",
        "chamber-bailiff-of-other-region",
        "other region",
        body={},
        login="other_bailiff_login",
    ),
    E("api/v1/ais-oip/writs/", "POST", "service", body={}),
    E("api/v1/ais-oip/writs/<str:number>/", "GET", "service", number="enforcement_number"),
    # Archive.
    E("api/v1/cases/<int:pk>/inventory/", "GET", "inventory", pk="case"),
    E("api/v1/cases/<int:pk>/archive/", "POST", "transfer", body={}, pk="case"),
    E("api/v1/archive/", "GET", "signed-in"),
    E("api/v1/archive/due/", "GET", "signed-in"),
    E("api/v1/archive/disposal-candidates/", "GET", "archivist"),
    E("api/v1/archive/<int:pk>/", "GET", "archive-read", pk="archive"),
    E("api/v1/archive/<int:pk>/verify/", "GET", "archive-read", pk="archive"),
    E("api/v1/archive/<int:pk>/paper-copy.pdf", "GET", "archive-read", pk="archive"),
    E("api/v1/archive/<int:pk>/export.zip", "GET", "archive-keeper", pk="archive"),
    E(
        "api/v1/archive/<int:pk>/items/<int:item_id>/",
        "GET",
        "archive-read",
        pk="archive",
        item_id="archive_item",
    ),
    E("api/v1/archive/<int:pk>/disposal/", "POST", "archive-keeper", body={}, pk="archive"),
    # Public pages.
    E("", "GET", "signed-in"),
    E("verify/<str:code>/", "GET", "public", code="verify_code"),
    E("verify/talon/<str:number>/", "GET", "public", number="talon_number"),
    E("accounts/sign-up/", "GET", "public"),
    E("accounts/sign-in/", "GET", "public"),
    E("accounts/sign-out/", "POST", "sign-out"),
    E("ecp-login/", "GET", "public"),
    E("ecp-login/challenge/", "POST", "public", body={}),
    E("ecp-login/demo-sign/", "POST", "public", body={}),
    E("signatures/demo-sign/", "POST", "signed-in-json", body={"data": "!"}),
    E("sandbox-gateway/pay/<str:reference>/", "GET", "public", reference="payment_reference"),
    # The applicant's cabinet.
    E("cabinet/", "GET", "signed-in"),
    E("cabinet/notifications/", "GET", "signed-in"),
    E("cabinet/filings/new/", "GET", "signed-in"),
    E("cabinet/filings/<int:pk>/", "GET", "draft", "draft", **DRAFT),
    E("cabinet/filings/<int:pk>/", "GET", "filing-read", "sent", **FILING),
    E("cabinet/filings/<int:pk>/attachments/", "POST", "draft", "draft", body={}, **DRAFT),
    E("cabinet/filings/<int:pk>/attachments/", "POST", "filing-write", "sent", body={}, **FILING),
    E(
        "cabinet/filings/<int:pk>/attachments/<int:attachment_pk>/delete/",
        "POST",
        "draft",
        "draft",
        pk="draft_filing",
        attachment_pk="draft_attachment",
    ),
    E("cabinet/filings/<int:pk>/sign/", "POST", "draft", "draft", body={}, **DRAFT),
    E("cabinet/filings/<int:pk>/sign/", "POST", "filing-write", "sent", body={}, **FILING),
    E("cabinet/filings/<int:pk>/talon.pdf", "GET", "filing-read", "sent", **FILING),
    E("cabinet/filings/<int:pk>/duty/", "GET", "draft", "draft", **DRAFT),
    E("cabinet/filings/<int:pk>/duty/pay/", "POST", "draft", "draft", body={}, **DRAFT),
    E("cabinet/filings/<int:pk>/duty/receipt/", "POST", "draft", "draft", body={}, **DRAFT),
    E("cabinet/filings/<int:pk>/duty/deferral/", "POST", "draft", "draft", body={}, **DRAFT),
    E(
        "cabinet/filings/<int:pk>/duty/receipts/<int:attachment_id>/",
        "GET",
        "filing-read",
        "sent",
        pk="queued_filing",
        attachment_id="receipt_attachment",
    ),
    E("cabinet/duty/check/", "GET", "signed-in", query="code=MX-RECEIPT-1"),
    E("cabinet/file/", "GET", "signed-in"),
    E("cabinet/file/<str:step>/", "GET", "signed-in", step="court"),
    E("cabinet/filings/<int:pk>/continue/", "GET", "draft", "draft", **DRAFT),
    E("cabinet/filings/<int:pk>/steps/<str:step>/", "GET", "draft", "draft", step="files", **DRAFT),
    E("cabinet/filings/<int:pk>/steps/files/upload/", "POST", "draft", "draft", body={}, **DRAFT),
    E(
        "cabinet/filings/<int:pk>/steps/files/<int:attachment_pk>/",
        "GET",
        "draft",
        "draft",
        pk="draft_filing",
        attachment_pk="draft_attachment",
    ),
    E("cabinet/powers/", "GET", "signed-in"),
    E("cabinet/powers/new/", "GET", "signed-in"),
    E("cabinet/powers/<int:pk>/", "GET", "power-read", pk="power"),
    E("cabinet/powers/<int:pk>/head-order/", "POST", "power-principal", body={}, pk="power"),
    E("cabinet/powers/<int:pk>/sign/", "POST", "power-principal", body={}, pk="power"),
    E("cabinet/powers/<int:pk>/revoke/", "POST", "power-principal", body={}, pk="power"),
    E("cabinet/powers/<int:pk>/download.<str:fmt>", "GET", "power-read", pk="power", fmt="pdf"),
    E("cabinet/cases/<int:case_id>/", "GET", "case-read", case_id="case"),
    E("cabinet/writs/", "GET", "signed-in"),
    E("cabinet/writs/<int:pk>/", "GET", "writ-read", pk="writ"),
    E("cabinet/writs/<int:pk>/status/", "POST", "writ-status", body={}, pk="writ"),
    E("cabinet/writs/<int:pk>/status/", "GET", "method-signed-in", pk="writ"),
    E("cabinet/writs/<int:pk>/resubmit/", "POST", "writ-resubmit", body={}, pk="writ"),
    # The judge's desk.
    E("judge/acts/", "GET", "judge-desk"),
    E("judge/acts/", "POST", "method", body={}),
    E(
        "judge/cases/<int:case_id>/acts/",
        "POST",
        "judge-desk",
        body={"file": PDF, "kind": "ruling", "title": "Ұйғарым"},
        case_id="case",
    ),
    E(
        "judge/cases/<int:case_id>/closed/",
        "POST",
        "judge-desk-case",
        body={"closed": "1", "reason": "Бала асырап алу құпиясы"},
        case_id="case",
    ),
    # The Django admin: representative pages (its generic pages follow the same two rules).
    E("admin/", "GET", "admin-site"),
    E("admin/accounts/user/", "GET", "admin-superuser"),
    # The clerk's desk and the chamber's report in the admin (the portal's own admin views).
    E("admin/registry/incomingfiling/", "GET", "clerk-desk"),
    E(
        "admin/registry/incomingfiling/<path:object_id>/change/",
        "GET",
        "clerk-desk-card",
        "sent",
        object_id="queued_filing",
    ),
    E(
        "admin/registry/incomingfiling/<path:object_id>/change/",
        "GET",
        "clerk-desk-draft",
        "draft",
        object_id="draft_filing",
    ),
    E(
        "admin/registry/incomingfiling/<path:object_id>/register/",
        "POST",
        "clerk-desk-card",
        "sent",
        body={},
        object_id="queued_filing",
    ),
    E(
        "admin/registry/incomingfiling/<path:object_id>/reject/",
        "POST",
        "clerk-desk-card",
        "sent",
        body={"ground": "duplicate"},
        object_id="queued_filing",
    ),
    E(
        "admin/registry/incomingfiling/<path:object_id>/attachments/<int:attachment_id>/download/",
        "GET",
        "clerk-desk-card",
        "sent",
        object_id="queued_filing",
        attachment_id="queued_attachment",
    ),
    E(
        "admin/registry/incomingfiling/<path:object_id>/attachments/<int:attachment_id>/preview/",
        "GET",
        "clerk-desk-card",
        "sent",
        object_id="queued_filing",
        attachment_id="queued_attachment",
    ),
    E("admin/enforcement/registration/report/", "GET", "admin-chamber"),
    E("admin/enforcement/registration/", "GET", "admin-chamber"),
    E(
        "admin/archive/archivetransfer/<path:object_id>/change/",
        "GET",
        "admin-archive",
        object_id="archive",
    ),
]

ADMIN_PREFIX = "admin/"


def markdown_table() -> str:
    """The README's matrix: the rules by role, then every route with its rule."""
    roles = list(ROLES)
    lines = [
        "Legend: ✓ allowed · 403 · 404 · 401 (API, no credentials) · ↪ sign-in page (web) · "
        "405 (method does not apply) · ↪admin (the admin's sign-in page).",
        "Roles: " + ", ".join(f"{SHORT[r]} = {ROLES[r]}" for r in roles) + ".",
        "",
        "| rule | " + " | ".join(SHORT[r] for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    symbol = {OK: "✓", SIGN_IN: "↪", ADMIN_SIGN_IN: "↪admin"}
    for name, r in RULES.items():
        surfaces = {e.web for e in ENTRIES if e.rule == name}
        if not surfaces:
            continue
        cells = []
        for role in roles:
            answers = sorted({r.expect(role, web) for web in surfaces})
            cells.append("/".join(symbol.get(a, a) for a in answers))
        lines.append(f"| **{name}**: {r.title} | " + " | ".join(cells) + " |")
    lines += ["", "| method | route | object | rule |", "|---|---|---|---|"]
    for entry in ENTRIES:
        route = entry.route or "(home)"
        lines.append(
            f"| {entry.method} | `/{route}` | {entry.label} | {entry.rule} |".replace(
                "`/(home)`", "`/`"
            )
        )
    return "\n".join(lines) + "\n"


README_START = "<!-- access-matrix:start (generated by `make access-matrix`; do not edit) -->"
README_END = "<!-- access-matrix:end -->"


def readme_with_table(readme: str) -> str:
    """`readme` with the generated table between the markers."""
    head, rest = readme.split(README_START, 1)
    _old, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{markdown_table()}{README_END}{tail}"


def main(argv: list[str]) -> None:
    """Print the table; with --write, put it into README.md between the markers."""
    if "--write" in argv:
        from pathlib import Path

        readme = Path(__file__).resolve().parent.parent / "README.md"
        readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(markdown_table(), end="")  # noqa: T201


if __name__ == "__main__":  # python -m tests.access_matrix [--write]
    import sys

    main(sys.argv[1:])
