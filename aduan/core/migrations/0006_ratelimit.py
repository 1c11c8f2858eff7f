# Written by hand: only core.RateLimitCounter (core.ratelimit's per-address counters).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_city'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bucket', models.CharField(max_length=32)),
                ('address', models.CharField(max_length=45)),
                ('window_start', models.BigIntegerField()),
                ('window_end', models.BigIntegerField(db_index=True)),
                ('hits', models.PositiveIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('bucket', 'address', 'window_start'), name='ratelimit_one_row_per_window')],
            },
        ),
    ]
