"""The legal-force signing time, and the database-level lock of signed acts (SPEC R-ACT-3, R-ACT-5).

The trigger refuses an UPDATE that changes a signed act's content or signature columns, or a set
legal-force mark, whoever issues it (ORM `.update()`, raw SQL, a shell). Both vendors get the
same rule: PostgreSQL a PL/pgSQL trigger function, SQLite a `RAISE(ABORT)` trigger. Both raise
an integrity error (IntegrityError in Django).

Caveat (SQLite): Django rebuilds a SQLite table for some later AlterField / AddConstraint
operations, which drops its triggers. `registry/tests/test_acts_lock.py` checks the trigger is
installed after all migrations; a later migration that rebuilds `registry_act` must re-run
`install_act_lock` below.
"""

from django.conf import settings
from django.db import migrations, models

# Keep in step with registry.models.ACT_LOCKED_FIELDS / ACT_LEGAL_FORCE_FIELDS (database columns).
LOCKED_COLUMNS = (
    "case_id",
    "kind",
    "title",
    "date",
    "status",
    "blob",
    "filename",
    "detected_format",
    "size",
    "sha256",
    "created_by_id",
    "signed_at",
    "signer_id",
    "signature_payload",
    "signature_cms",
    "signature_verdict",
    "published_at",
)
LEGAL_FORCE_COLUMNS = (
    "legal_force_date",
    "legal_force_signer_id",
    "legal_force_signed_at",
    "legal_force_payload",
    "legal_force_cms",
    "legal_force_verdict",
    "verify_code",
)


def _changed(columns, operator):
    return " OR ".join(f'NEW."{column}" {operator} OLD."{column}"' for column in columns)


POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION registry_act_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD."status" = 'signed' AND ({_changed(LOCKED_COLUMNS, "IS DISTINCT FROM")}) THEN
        RAISE EXCEPTION 'registry_act_locked: act % is signed (SPEC R-ACT-3)', OLD."id"
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD."legal_force_date" IS NOT NULL
       AND ({_changed(LEGAL_FORCE_COLUMNS, "IS DISTINCT FROM")}) THEN
        RAISE EXCEPTION 'registry_act_locked: act % has its legal-force mark (SPEC R-ACT-5)',
            OLD."id" USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS registry_act_lock ON registry_act;
CREATE TRIGGER registry_act_lock BEFORE UPDATE ON registry_act
    FOR EACH ROW EXECUTE FUNCTION registry_act_lock();
"""
POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS registry_act_lock ON registry_act;
DROP FUNCTION IF EXISTS registry_act_lock();
"""

SQLITE_INSTALL = (
    "DROP TRIGGER IF EXISTS registry_act_lock",
    f"""
CREATE TRIGGER registry_act_lock BEFORE UPDATE ON registry_act FOR EACH ROW
WHEN OLD."status" = 'signed' AND ({_changed(LOCKED_COLUMNS, "IS NOT")})
BEGIN
    SELECT RAISE(ABORT, 'registry_act_locked: the act is signed (SPEC R-ACT-3)');
END
""",
    "DROP TRIGGER IF EXISTS registry_act_legal_force_lock",
    # Constant column names only: nothing here comes from input.
    f"""
CREATE TRIGGER registry_act_legal_force_lock BEFORE UPDATE ON registry_act FOR EACH ROW
WHEN OLD."legal_force_date" IS NOT NULL AND ({_changed(LEGAL_FORCE_COLUMNS, "IS NOT")})
BEGIN
    SELECT RAISE(ABORT, 'registry_act_locked: the legal-force mark is set (SPEC R-ACT-5)');
END
""",  # noqa: S608
)
SQLITE_REMOVE = (
    "DROP TRIGGER IF EXISTS registry_act_lock",
    "DROP TRIGGER IF EXISTS registry_act_legal_force_lock",
)


def install_act_lock(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the PL/pgSQL body has "%" placeholders of its own (RAISE).
        schema_editor.execute(POSTGRES_INSTALL, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No act lock trigger for the {vendor} database (R-ACT-3).")


def remove_act_lock(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REMOVE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_incoming_filing_proxy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="act",
            name="legal_force_signed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the legal-force mark was signed: its signature is re-verified as of then.",
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="act",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("legal_force_date__isnull", True), ("status", "signed"), _connector="OR"
                ),
                name="act_legal_force_needs_signature",
            ),
        ),
        # Last, after any table rebuild above (SQLite drops triggers when it rebuilds a table).
        migrations.RunPython(install_act_lock, remove_act_lock, elidable=False),
    ]
