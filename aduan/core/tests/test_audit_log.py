"""The audit log's storage and its one writer: what a row keeps, the staff actions mirrored
from the after-transition step, and append-only in the ORM and in the database itself
(raw SQL, on SQLite and on PostgreSQL when DATABASE_URL points there)."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from aduan.core import audit, auditguard, effects, lifecycle
from aduan.core.models import AppendOnlyError, AuditEntry, Event, Privacy, Role, Status, User

A = AuditEntry.Action


def _entry(user, **extra):
    return audit.record(A.EXPORT, actor=user, description="uji", **extra)


def test_a_record_copies_who_acted_and_from_where(adi):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 500
    )
    request.user = adi
    entry = audit.record(A.EXPORT, request=request, description="Evaluasi", period="2026-09")
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == adi
    assert (entry.actor_label, entry.actor_role, entry.agency) == (
        "adi",
        Role.ADMIN_OPD,
        adi.agency,
    )
    assert entry.ip_address == "203.0.113.9"
    assert entry.user_agent.startswith("Mozilla/5.0") and len(entry.user_agent) == 300
    assert entry.extra == {"period": "2026-09"}


def test_a_failed_login_names_the_account_tried_not_whoever_is_signed_in(adi):
    request = RequestFactory().post("/kantor/masuk/")
    request.user = adi
    entry = audit.record(A.LOGIN_FAILED, request=request, username="kurnia")
    assert entry.actor is None
    assert entry.actor_label == "kurnia"


def test_a_renamed_account_keeps_its_old_name_in_the_log(adi):
    entry = _entry(adi)
    adi.username = "adi.baru"
    adi.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "adi"


# -- append-only in the ORM ----------------------------------------------------------------


def test_the_orm_refuses_to_change_or_remove_an_entry(adi):
    entry = _entry(adi)
    entry.description = "diubah"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(description="diubah")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["description"])
    assert AuditEntry.objects.get(pk=entry.pk).description == "uji"


# -- append-only in the database -----------------------------------------------------------

RAW_WRITES = {
    "update a column": ("UPDATE core_auditentry SET description = %s", lambda ids: ["diubah"]),
    "assign a column its own value": ("UPDATE core_auditentry SET action = action", None),
    "assign a link its own value": ("UPDATE core_auditentry SET actor_id = actor_id", None),
    "move to another actor": ("UPDATE core_auditentry SET actor_id = %s", lambda ids: [ids[0]]),
    "attach a complaint": ("UPDATE core_auditentry SET complaint_id = %s", lambda ids: [ids[1]]),
    "change a field and detach": (
        "UPDATE core_auditentry SET actor_id = NULL, ip_address = NULL",
        None,
    ),
    "delete": ("DELETE FROM core_auditentry", None),
}


@pytest.mark.parametrize("name", RAW_WRITES)
def test_the_database_refuses_raw_updates_and_deletes(name, adi, dewi, make_complaint):
    sql, params = RAW_WRITES[name]
    complaint = make_complaint()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    entry = audit.record(A.EXPORT, actor=adi, request=request, description="uji")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params([dewi.pk, complaint.pk]) if params else None)
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.description, kept.actor_id, kept.complaint_id) == ("uji", adi.pk, None)
    assert kept.ip_address == "203.0.113.9"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(adi):
    _entry(adi)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == 1


def test_deleting_a_user_or_a_complaint_detaches_the_entry_and_keeps_the_trace(
    city, make_complaint
):
    guest = User.objects.create_user("tamu", role=Role.ADMIN_OPD, agency=city["dlh"])
    complaint = make_complaint()
    code = complaint.code
    entry = audit.record(A.CONTACT_VIEWED, actor=guest, complaint=complaint)
    guest.delete()
    complaint.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.actor_id, kept.actor_label, kept.actor_role) == (None, "tamu", Role.ADMIN_OPD)
    assert (kept.complaint_id, kept.complaint_code) == (None, code)
    assert kept.action == A.CONTACT_VIEWED


def test_the_migration_installed_the_guard(db):
    assert auditguard.is_installed(connection)


@pytest.mark.django_db(transaction=True)
def test_flush_is_the_owners_act_it_empties_the_log_and_puts_the_guard_back(adi):
    _entry(adi)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert auditguard.is_installed(connection)
    user = User.objects.create_user("baru", role=Role.PIMPINAN)
    entry = _entry(user)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# -- staff actions, from the after-transition step ------------------------------------------


def test_every_staff_event_is_mirrored_and_the_reporters_are_not(complaint_in):
    complaint = complaint_in(Status.SELESAI)
    staff_events = list(
        Event.objects.filter(complaint=complaint, actor__isnull=False).order_by("id")
    )
    entries = list(
        AuditEntry.objects.filter(complaint=complaint, action=A.STAFF_ACTION).order_by("id")
    )
    assert [e.extra["event"] for e in entries] == [e.pk for e in staff_events]
    assert [e.actor_id for e in entries] == [e.actor_id for e in staff_events]
    resolved = entries[-1]
    assert resolved.extra == {
        "event": staff_events[-1].pk,
        "kind": Event.Kind.RESOLVED,
        "from": Status.DIPROSES,
        "to": Status.SELESAI,
    }
    assert resolved.complaint_code == complaint.code
    before = AuditEntry.objects.count()
    lifecycle.confirm(complaint)
    assert AuditEntry.objects.count() == before


def test_a_contact_view_is_its_own_action(make_complaint, mira):
    complaint = make_complaint(privacy=Privacy.ANONIM)
    lifecycle.record_note(complaint, mira, note="Kontak dilihat", kind=Event.Kind.CONTACT_VIEWED)
    entry = AuditEntry.objects.get(complaint=complaint, actor=mira)
    assert entry.action == A.CONTACT_VIEWED
    assert entry.extra["kind"] == Event.Kind.CONTACT_VIEWED


def test_a_change_rolled_back_leaves_no_entry(complaint_in, mira):
    complaint = complaint_in(Status.BARU)

    def fail(complaint, event):
        raise RuntimeError("after the audit subscriber")

    with pytest.raises(RuntimeError), effects.extra_subscriber(fail):
        lifecycle.verify(complaint, mira)
    assert not AuditEntry.objects.filter(complaint=complaint, action=A.STAFF_ACTION).exists()
