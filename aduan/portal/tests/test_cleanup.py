"""The hourly job that forgets spent recovery codes and never-confirmed follows."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from aduan.core import jobs
from aduan.core.models import OutboundMessage, Status
from aduan.portal.models import Follow, RecoveryCode

EMAIL = "tetangga@contoh.id"


@pytest.fixture
def filed(complaint_in):
    complaint = complaint_in(Status.DIPROSES, reporter_email="budi@contoh.id")
    OutboundMessage.objects.all().delete()
    return complaint


def ask_code(client, complaint):
    client.post("/lacak/pulihkan/", {"kode": complaint.code, "kontak": "budi@contoh.id"})


def follow(client, complaint, *, confirm: bool):
    client.post("/ikuti/", {"email": EMAIL, "aduan": complaint.code})
    row = Follow.objects.latest("pk")
    if confirm:
        client.post(f"/ikuti/konfirmasi/{row.token}/")
    return row


def run_job():
    [job] = [j for j in jobs.registered() if j.name == "portal.purge_spent"]
    assert job.every_seconds == 3600
    return job.func()


def test_old_codes_and_unconfirmed_follows_go_fresh_ones_and_confirmed_stay(client, filed):
    four_days_ago = timezone.now() - timedelta(days=4)
    with time_machine.travel(four_days_ago, tick=False):
        ask_code(client, filed)
        old_unconfirmed = follow(client, filed, confirm=False)
        Follow.objects.filter(pk=old_unconfirmed.pk).update(email="lama@contoh.id")
        old_confirmed = follow(client, filed, confirm=True)
    ask_code(client, filed)
    fresh_unconfirmed = follow(client, filed, confirm=False)
    Follow.objects.filter(pk=fresh_unconfirmed.pk).update(email="baru@contoh.id")
    assert RecoveryCode.objects.count() == 2

    assert run_job() == {"recovery_codes": 1, "unconfirmed_follows": 1}

    assert RecoveryCode.objects.get().created_at > four_days_ago + timedelta(days=1)
    remaining = set(Follow.objects.values_list("pk", flat=True))
    assert remaining == {old_confirmed.pk, fresh_unconfirmed.pk}


def test_a_code_still_usable_is_never_purged(client, filed):
    ask_code(client, filed)
    assert run_job() == {"recovery_codes": 0, "unconfirmed_follows": 0}
    assert RecoveryCode.objects.count() == 1


def test_running_twice_is_harmless_and_the_worker_runs_it(client, filed):
    with time_machine.travel(timezone.now() - timedelta(days=5), tick=False):
        ask_code(client, filed)
        follow(client, filed, confirm=False)
    call_command("worker", "--once")
    assert not RecoveryCode.objects.exists() and not Follow.objects.exists()
    assert run_job() == {"recovery_codes": 0, "unconfirmed_follows": 0}
