"""Entries are written unsealed and chained later by the sealer (madoguchi/audit/chain.py).

`seq` and `hash` become empty until sealing, and the append-only triggers let exactly one change through:
an unsealed entry receiving its place in the chain, with every other column unchanged. The fields change
first: on SQLite altering a column rebuilds the table, which drops its triggers.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CONTENT = ["id", "created_at", "actor", "role", "office", "action", "target_type", "target_id", "summary"]

SQLITE_SEALING = " AND ".join(
    ["OLD.hash IS NULL", "OLD.seq IS NULL", "NEW.hash IS NOT NULL", "NEW.seq IS NOT NULL"]
    + [f"NEW.{column} IS OLD.{column}" for column in CONTENT]
)
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    f"""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       WHEN NOT ({SQLITE_SEALING})
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]

POSTGRES_SEALING = " AND ".join(
    ["TG_OP = 'UPDATE'", "OLD.hash IS NULL", "OLD.seq IS NULL", "NEW.hash IS NOT NULL", "NEW.seq IS NOT NULL"]
    + [f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}" for column in CONTENT]
)
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN
         IF {POSTGRES_SEALING} THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'audit entries are append-only';
       END; $$ LANGUAGE plpgsql""",
]
POSTGRES_DOWN = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "default_permissions": (),
                "ordering": ["-id"],
                "verbose_name": "監査ログ",
                "verbose_name_plural": "監査ログ",
            },
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name="通番"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("hash__isnull", True)), fields=["id"], name="audit_entry_unsealed"
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
