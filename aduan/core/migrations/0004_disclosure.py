"""Attachments get a random public id and a stored name made of it (no token, no code);
staff redactions move from the reports app into the core (same table)."""

import secrets

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations, models

import aduan.core.models


def rename_files(apps, schema_editor):
    Attachment = apps.get_model("core", "Attachment")
    for attachment in Attachment.objects.filter(public_id__isnull=True).iterator():
        attachment.public_id = secrets.token_urlsafe(16)
        old = attachment.file.name
        extension = old.rsplit(".", 1)[-1].lower() if "." in old else "bin"
        new = f"lampiran/{attachment.created_at:%Y/%m}/{attachment.public_id}.{extension}"
        if old and default_storage.exists(old):
            with default_storage.open(old, "rb") as source:
                new = default_storage.save(new, source)
            default_storage.delete(old)
        attachment.file.name = new
        attachment.save(update_fields=["public_id", "file"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_queue_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(max_length=200, upload_to=aduan.core.models.attachment_path),
        ),
        migrations.RunPython(rename_files, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(
                default=aduan.core.models.new_public_id,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Redaction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "text",
                            models.CharField(max_length=300, verbose_name="teks yang disamarkan"),
                        ),
                        ("reason", models.CharField(max_length=300, verbose_name="alasan")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "complaint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="redactions",
                                to="core.complaint",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="core.event",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "penyamaran",
                        "verbose_name_plural": "penyamaran",
                        "ordering": ["created_at", "id"],
                        "db_table": "reports_redaction",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
