# Closed proceedings (issue 9): the flag keeps its data under the API's name `closed`, with the
# judge's reason beside it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_alter_act_options_alter_case_options_and_more"),
    ]

    operations = [
        migrations.RenameField(
            model_name="case",
            old_name="closed_proceedings",
            new_name="closed",
        ),
        migrations.AlterField(
            model_name="case",
            name="closed",
            field=models.BooleanField(
                default=False,
                help_text="Closed proceedings (004: adoption secrecy, private life, minors, "
                "sexual offences, state secrets): never shown to the public. Set by the case's "
                "judge.",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="closed_reason",
            field=models.CharField(
                blank=True,
                help_text="Why the proceedings are closed (the judge's words).",
                max_length=500,
            ),
        ),
    ]
