"""The default policy (Perwali Kota Malang 19/2010), ladder and office hours, so that a
fresh database (and the demo) has deadlines without any set-up."""

from django.db import migrations

from aduan.deadlines import presets


def install(apps, schema_editor):
    presets.install_hours(apps.get_model("deadlines", "WorkingHours"))
    rules = apps.get_model("deadlines", "SlaRule")
    if not rules.objects.exists():
        presets.install_rules(rules, "default")
    presets.install_ladder(apps.get_model("deadlines", "EscalationStep"))


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
