# WhatsApp and Telegram media fetched by the worker (issue 15, part 2).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0002_delivery_receipts"),
        ("core", "0010_complaint_fts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChatMedia",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("channel", models.CharField(max_length=20)),
                ("handle", models.CharField(max_length=120)),
                ("kind", models.CharField(max_length=20)),
                ("file_id", models.CharField(max_length=300)),
                ("mime_type", models.CharField(blank=True, max_length=100)),
                ("declared_size", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("waiting", "Menunggu aduan"),
                            ("pending", "Menunggu diunduh"),
                            ("done", "Tersimpan"),
                            ("refused", "Ditolak"),
                            ("failed", "Gagal diunduh"),
                            ("discarded", "Dibuang"),
                        ],
                        default="waiting",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "attachment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.attachment",
                    ),
                ),
                (
                    "complaint",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chat_media",
                        to="core.complaint",
                    ),
                ),
                (
                    "inbound",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="media",
                        to="channels.inboundmessagelog",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
                "indexes": [
                    models.Index(fields=["state", "next_attempt_at"], name="chatmedia_due"),
                    models.Index(fields=["channel", "handle", "state"], name="chatmedia_chat"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("inbound", "position"), name="chatmedia_unique_item"
                    )
                ],
            },
        ),
    ]
