"""The public text stored with the write, and tracking codes without a hot row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.core import disclosure, lifecycle
from aduan.core.models import CodeSequence, Complaint, Redaction, Status

TEXT = "Saya Budi Santoso, hub 0812-3456-7890. Lampu jalan mati di depan rumah Pak Harjo."


def _masking_forbidden(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("masked on read")

    monkeypatch.setattr(disclosure, "mask_pii", refuse)


def test_filing_stores_the_masked_public_text(make_complaint):
    c = make_complaint(text=TEXT, address="Jl. Kawi 12, hub 0812-3456-7890")
    stored = Complaint.objects.get(pk=c.pk)
    assert stored.public_fingerprint
    assert "0812" not in stored.public_text and "Budi" not in stored.public_text
    assert "Lampu jalan mati" in stored.public_text
    assert "0812" not in stored.public_address and "Jl. Kawi 12" in stored.public_address
    assert stored.text == TEXT


def test_public_read_uses_the_stored_text_without_masking(complaint_in, monkeypatch):
    c = complaint_in(Status.TERVERIFIKASI, text=TEXT)
    fresh = disclosure.prefetched(Complaint.objects.filter(pk=c.pk)).get()
    _masking_forbidden(monkeypatch)
    view = disclosure.for_public(fresh)
    assert view.text == fresh.public_text and "0812" not in view.text


def test_answer_is_masked_when_written(complaint_in, adi, monkeypatch):
    c = complaint_in(Status.DIPROSES, text=TEXT)
    lifecycle.resolve(c, adi, answer="Telepon 0812-3456-7890.")
    stored = Complaint.objects.get(pk=c.pk)
    assert stored.answer == "Telepon 0812-3456-7890."
    assert "0812" not in stored.public_answer and stored.public_answer.startswith("Telepon")
    _masking_forbidden(monkeypatch)
    assert disclosure.for_public(stored).answer == stored.public_answer


def test_redaction_restores_the_stored_text_and_its_removal_too(complaint_in, mira, monkeypatch):
    c = complaint_in(Status.TERVERIFIKASI, text=TEXT)
    redaction = Redaction.objects.create(
        complaint=c, text="depan rumah", reason="pihak ketiga", created_by=mira
    )
    stored = Complaint.objects.get(pk=c.pk)
    assert "depan rumah" not in stored.public_text and "[disamarkan]" in stored.public_text
    redaction.delete()
    stored = Complaint.objects.get(pk=c.pk)
    assert "depan rumah" in stored.public_text


def test_a_write_that_bypasses_save_is_masked_on_read(complaint_in):
    c = complaint_in(Status.TERVERIFIKASI, text=TEXT)
    Complaint.objects.filter(pk=c.pk).update(text="Lampu mati, hubungi 0813-1111-2222 segera.")
    fresh = Complaint.objects.get(pk=c.pk)
    view = disclosure.for_public(fresh)
    # Not the stale stored text: the new text, masked now.
    assert "Lampu mati" in view.text and "0813" not in view.text
    assert "Budi" not in view.text


def test_masking_rules_changed_masks_on_read(complaint_in, monkeypatch):
    c = complaint_in(Status.TERVERIFIKASI, text=TEXT)
    fresh = Complaint.objects.get(pk=c.pk)
    monkeypatch.setattr(disclosure, "MASK_RULES", "test-next")
    monkeypatch.setattr(disclosure, "mask_pii", lambda text, names=(): "MASKED AGAIN")
    assert disclosure.for_public(fresh).text == "MASKED AGAIN"


def test_open311_list_is_a_fixed_number_of_queries(complaint_in, client, monkeypatch):
    url = "/open311/v2/requests.json"
    for _ in range(2):
        complaint_in(Status.TERVERIFIKASI, text=TEXT)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()) == 2
    for _ in range(6):
        complaint_in(Status.TERVERIFIKASI, text=TEXT)
    _masking_forbidden(monkeypatch)
    with CaptureQueriesContext(connection) as many:
        items = client.get(url).json()
    assert len(items) == 8
    assert len(many) == len(few)
    assert all("0812" not in item["description"] for item in items)


def test_open311_single_read_does_not_mask(complaint_in, client, monkeypatch):
    c = complaint_in(Status.TERVERIFIKASI, text=TEXT)
    _masking_forbidden(monkeypatch)
    item = client.get(f"/open311/v2/requests/{c.code}.json").json()[0]
    assert item["description"] == Complaint.objects.get(pk=c.pk).public_text


# -- codes ----------------------------------------------------------------------------------


def test_codes_are_unique_and_readable(make_complaint):
    codes = [make_complaint().code for _ in range(3)]
    assert len(set(codes)) == 3
    numbers = [int(code.rsplit("-", 1)[1]) for code in codes]
    assert numbers == sorted(numbers)
    assert all(code.startswith("ADU-") and len(code) == len("ADU-2611-0001") for code in codes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sequences")
def test_postgresql_sequence_starts_after_the_row_counter(city):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2031, 7, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    CodeSequence.objects.create(period="3107", last=41)
    assert lifecycle.next_code(at) == "ADU-3107-0042"
    assert lifecycle.next_code(at) == "ADU-3107-0043"
    # The counter row is no longer the hot row: nothing writes it.
    assert CodeSequence.objects.get(period="3107").last == 41


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite row counter")
def test_sqlite_keeps_the_gap_free_row_counter(city):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2031, 7, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert lifecycle.next_code(at) == "ADU-3107-0001"
    assert lifecycle.next_code(at) == "ADU-3107-0002"
    assert CodeSequence.objects.get(period="3107").last == 2
