from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_sanction_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportsettings",
            name="weight_timeliness",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.70"),
                help_text="Tahap tanggapan pertama dan penyelesaian yang tepat waktu.",
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="bobot ketepatan waktu",
            ),
        ),
        migrations.AddField(
            model_name="reportsettings",
            name="weight_satisfaction",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.10"),
                help_text="Penilaian bintang 1-5 dari pelapor (1 bintang 0%, 5 bintang 100%).",
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="bobot kepuasan pelapor",
            ),
        ),
        migrations.AddField(
            model_name="reportsettings",
            name="weight_reopen",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.10"),
                help_text="Bagian aduan yang dijawab dan tidak dibuka kembali oleh pelapor.",
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="bobot aduan tidak dibuka kembali",
            ),
        ),
        migrations.AddField(
            model_name="reportsettings",
            name="weight_disputes",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.10"),
                help_text="Bagian jawaban yang tidak dibantah pelapor.",
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="bobot jawaban tidak dibantah",
            ),
        ),
    ]
