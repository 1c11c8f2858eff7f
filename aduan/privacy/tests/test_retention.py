"""The retention policy: ``aduan retention --dry-run`` reports, ``aduan retention`` and the
worker's hourly job anonymise complaints closed too long ago and delete old raw data."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from aduan.channels.models import AppSubmission, Conversation, InboundMessageLog, SocialPost
from aduan.core import jobs, lifecycle
from aduan.core.models import (
    AuditEntry,
    Complaint,
    Event,
    OutboundMessage,
    Redaction,
    Status,
)
from aduan.office.models import Notification
from aduan.privacy import retention
from aduan.privacy.models import Anonymisation, VerificationCode

NAME, PHONE, EMAIL = "Budi Santoso", "+6281234567890", "budi@contoh.id"
TEXT = (
    "Nama saya Budi Santoso, HP 081234567890, email budi@contoh.id. "
    "Jalan berlubang besar di depan rumah nomor 7, sudah dua minggu."
)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


@pytest.fixture
def old_records(complaint_in, mira, make_complaint):
    """One complaint closed 25 months ago with its person everywhere, and everything else
    a run must leave alone or delete."""
    old = complaint_in(
        Status.DITUTUP, text=TEXT, reporter_email=EMAIL, reporter_handle="6281234567890"
    )
    lifecycle.record_note(
        old,
        None,
        note=f"E-mail dari {EMAIL}: terima kasih, dari {NAME}",
        data={"via": "email", "from": EMAIL, "subject": f"Re: {NAME}", "from_reporter": True},
    )
    Redaction.objects.create(
        complaint=old, text="depan rumah nomor 7", reason="alamat rumah", created_by=mira
    )
    Notification.objects.create(
        recipient=mira, complaint=old, kind="disputed", text=f"Aduan {old.code} dari {NAME}"
    )
    SocialPost.objects.create(
        complaint=old,
        platform="x",
        author_handle="@budisantoso",
        url="https://x.example/budisantoso/1",
        text=TEXT,
        imported_by=mira,
    )
    AppSubmission.objects.create(complaint=old, device_token_hash="a" * 64)
    Complaint.objects.filter(pk=old.pk).update(closed_at=ago(days=25 * 31))
    recent = complaint_in(Status.DITUTUP, text=TEXT)
    running = complaint_in(Status.DIPROSES, text=TEXT)
    Complaint.objects.filter(pk=running.pk).update(received_at=ago(days=900))

    def inbound(days, n):
        row = InboundMessageLog.objects.create(
            channel="sms", gateway="generic", gateway_message_id=f"m{n}", sender=PHONE, text=TEXT
        )
        InboundMessageLog.objects.filter(pk=row.pk).update(created_at=ago(days=days))
        return row

    def outbound(days, state):
        row = OutboundMessage.objects.create(
            channel="sms", recipient=PHONE, body=TEXT, state=state, created_at=ago(days=days)
        )
        return row

    OutboundMessage.objects.all().delete()
    return {
        "old": old,
        "recent": recent,
        "running": running,
        "inbound_old": inbound(91, 1),
        "inbound_new": inbound(10, 2),
        "chat_old": Conversation.objects.create(
            channel="whatsapp", handle="6281234567890", updated_at=ago(days=31)
        ),
        "chat_new": Conversation.objects.create(channel="telegram", handle="42"),
        "sent_old": outbound(181, OutboundMessage.State.SENT),
        "pending_old": outbound(181, OutboundMessage.State.PENDING),
        "sent_new": outbound(5, OutboundMessage.State.SENT),
        "notice_old": Notification.objects.create(
            recipient=mira, kind="dispatched", text="lama", created_at=ago(days=366)
        ),
        "code_old": VerificationCode.objects.create(
            kind="phone", contact=PHONE, code_hash="x", expires_at=ago(days=2)
        ),
        "code_new": VerificationCode.objects.create(
            kind="phone", contact=PHONE, code_hash="x", expires_at=ago(minutes=-10)
        ),
    }


def exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


def test_dry_run_reports_counts_and_oldest_dates_and_changes_nothing(old_records, capsys):
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[2:]}
    old_closed = timezone.localtime(Complaint.objects.get(pk=old_records["old"].pk).closed_at)
    assert lines["reporter_contact"] == ["1", old_closed.date().isoformat()]
    assert lines["inbound_messages"][0] == "1"
    assert lines["conversations"][0] == "1"
    assert lines["outbound_messages"][0] == "1"
    assert lines["notifications"][0] == "1"
    assert lines["verification_codes"][0] == "1"
    assert lines["erasure_waiting"] == ["0", "-"]
    assert "reporter_contact_months_after_close=24" in out
    # Never the data itself.
    for secret in (NAME, "Budi", PHONE, "081234567890", EMAIL, old_records["old"].code):
        assert secret not in out
    assert not Anonymisation.objects.exists() and exists(old_records["inbound_old"])
    assert Complaint.objects.get(pk=old_records["old"].pk).reporter_phone == PHONE


def test_run_removes_the_person_and_keeps_the_case(old_records, client, capsys):
    old = old_records["old"]
    old_token = old.token
    call_command("retention")
    out = capsys.readouterr().out
    assert "reporter_contact" in out and NAME not in out
    c = Complaint.objects.get(pk=old.pk)
    assert (c.reporter_name, c.reporter_phone, c.reporter_email, c.reporter_handle) == ("",) * 4
    for secret in ("Budi", "081234567890", EMAIL, "depan rumah nomor 7"):
        assert secret not in c.text
    assert "Jalan berlubang besar" in c.text and "[telepon]" in c.text
    # Statistics keep what they count.
    assert (c.status, c.category_id, c.kelurahan_id) == (
        old.status,
        old.category_id,
        old.kelurahan_id,
    )
    assert c.closed_at and c.version > old.version
    for event in Event.objects.filter(complaint=c):
        dump = f"{event.note} {event.data}"
        assert "Budi" not in dump and EMAIL not in dump and "081234567890" not in dump
    assert Event.objects.filter(complaint=c, data__via="email", data__from_reporter=True).exists()
    [note] = Event.objects.filter(complaint=c, data__privacy="reporter_removed")
    assert note.kind == Event.Kind.NOTE and not note.is_public and note.actor is None
    assert "retensi" in note.note and note.data["reason"] == "retention"
    assert Redaction.objects.get(complaint=c).text == "[disamarkan]"
    notices = Notification.objects.filter(complaint=c)
    assert notices.filter(text__startswith=f"Aduan {c.code} dari").exists()
    assert not any("Budi" in n.text for n in notices)
    assert not SocialPost.objects.filter(complaint=c).exists()
    assert AppSubmission.objects.get(complaint=c).device_token_hash == ""
    # The old private link opens nothing; the public page still shows the case.
    assert c.token != old_token
    assert client.get(f"/k/{old_token}/").status_code == 404
    public = client.get(f"/lacak/{c.code}/")
    assert public.status_code == 200 and "Budi" not in public.content.decode()
    # One audit entry for the run, with counts only.
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETENTION)
    assert entry.extra["reporter_contact"] == 1 and "Budi" not in entry.description

    # Recent or still running: untouched.
    for key in ("recent", "running"):
        assert Complaint.objects.get(pk=old_records[key].pk).reporter_phone == PHONE
    assert Anonymisation.objects.count() == 1
    # Old raw data gone, new kept; pending messages never deleted.
    for key in ("inbound_old", "chat_old", "sent_old", "notice_old", "code_old"):
        assert not exists(old_records[key]), key
    for key in ("inbound_new", "chat_new", "sent_new", "pending_old", "code_new"):
        assert exists(old_records[key]), key


def test_a_second_run_does_nothing_more(old_records):
    retention.run()
    events = Event.objects.count()
    assert not any(retention.run().values())
    assert Event.objects.count() == events
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION).count() == 1


def test_policy_is_read_from_settings(old_records, settings):
    settings.ADUAN_RETENTION = {**settings.ADUAN_RETENTION, "inbound_payload_days": 5}
    assert {line.name: line.count for line in retention.report()}["inbound_messages"] == 2


def test_the_job_is_registered_with_the_worker_and_runs(old_records):
    [job] = [j for j in jobs.registered() if j.name == "privacy.retention"]
    assert job.every_seconds == 3600
    assert "reporter_contact: 1" in job.func()
    call_command("worker", "--once")
    assert not exists(old_records["inbound_old"])


def test_batches_are_bounded(old_records, complaint_in):
    for _ in range(3):
        extra = complaint_in(Status.DITOLAK)
        Complaint.objects.filter(pk=extra.pk).update(closed_at=ago(days=800))
    assert retention.run(limit=2)["reporter_contact"] == 2
    assert retention.run(limit=2)["reporter_contact"] == 2
    assert Anonymisation.objects.count() == 4


def test_months_before_keeps_the_calendar():
    from datetime import datetime

    assert retention.months_before(datetime(2026, 3, 31, 9), 1) == datetime(2026, 2, 28, 9)
    assert retention.months_before(datetime(2026, 1, 15), 24) == datetime(2024, 1, 15)
