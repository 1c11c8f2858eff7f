"""Public reads fetch only what the public projection reads, in a fixed number of queries.

Open311 lists and single reads and the API's tracking read complaints through
``disclosure.fetched_for_public``: only the columns ``for_public`` shows, the category,
agency and place as columns of the same query, photos only of complaints that show them,
redactions and events only of listed ones. These tests hold it to what it replaces: the
projection of rows fetched whole (``disclosure.prefetched``) is the same, field for field,
and a field the fetch leaves out (read later, one query per row) shows in the counts.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from aduan.core import disclosure, lifecycle
from aduan.core.models import Complaint, Privacy, Redaction, Status
from aduan.lib.images import clean_image

TEXT = "Saya Budi Santoso, hub 0812-3456-7890. Lampu jalan mati di depan rumah Pak Harjo."


@pytest.fixture
def varied(complaint_in, make_complaint, city, mira, adi, jpeg):
    """Complaints in every status, privacy and place, with photos, a redaction, a merge
    into a listed and into an unlisted complaint, and one whose stored text is stale."""

    def photo():
        return [clean_image(jpeg())]

    made = [complaint_in(status, text=TEXT) for status in Status if status != Status.DIGABUNG]
    for privacy, kelurahan, category in [
        (Privacy.PUBLIK, city["gadang"], city["water"]),
        (Privacy.ANONIM, city["oro"], city["waste"]),
        (Privacy.RAHASIA, city["kauman"], None),
        (Privacy.PUBLIK, None, None),
    ]:
        c = make_complaint(
            text=TEXT, privacy=privacy, kelurahan=kelurahan, category=category, photos=photo()
        )
        lifecycle.verify(c, mira)
        made.append(c)
    with_photos = make_complaint(text=TEXT, photos=photo(), address="Jl. Kawi 12")
    lifecycle.verify(with_photos, mira)
    lifecycle.dispatch(with_photos, mira, lead=city["dpupr"], note="Catatan internal")
    lifecycle.post_update(with_photos, adi, note="Sudah disurvei, 0813-1111-2222.", photos=photo())
    Redaction.objects.create(
        complaint=with_photos, text="depan rumah", reason="pihak ketiga", created_by=mira
    )
    made.append(with_photos)
    listed_survivor = made[1]
    into_listed = make_complaint(text=TEXT)
    lifecycle.merge(into_listed, mira, into=listed_survivor)
    into_unlisted = make_complaint(text=TEXT)
    lifecycle.merge(into_unlisted, mira, into=made[0])
    stale = complaint_in(Status.TERVERIFIKASI, text=TEXT)
    Complaint.objects.filter(pk=stale.pk).update(text="Lampu mati, hubungi 0813-5555-6666.")
    made += [into_listed, into_unlisted, stale]
    return [c.code for c in made]


def test_fetched_rows_project_as_rows_fetched_whole(varied, django_assert_num_queries):
    whole = {c.code: c for c in disclosure.prefetched(Complaint.objects.all(), events=True)}
    fetched = disclosure.fetched_for_public(Complaint.objects.filter(code__in=varied), events=True)
    assert sorted(c.code for c in fetched) == sorted(varied)
    # Nothing the projection reads was left out of the fetch: not one query more.
    with django_assert_num_queries(0):
        views = [(disclosure.for_public(c), disclosure.for_public(c, events=True)) for c in fetched]
    for complaint, (view, with_events) in zip(fetched, views, strict=True):
        assert view == disclosure.for_public(whole[complaint.code]), complaint.code
        assert with_events == disclosure.for_public(whole[complaint.code], events=True)
    by_code = {view.code: view for view, _events in views}
    assert by_code[varied[-3]].merged_into == varied[1]  # a listed survivor is named
    assert by_code[varied[-2]].merged_into == ""  # an unlisted one is not
    assert any(view.photos for view, _events in views)
    assert "0813-5555" not in by_code[varied[-1]].text and "Lampu mati" in by_code[varied[-1]].text


def test_a_single_read_projects_as_rows_fetched_whole(varied, django_assert_num_queries):
    """The single read's compiled queries (core.compiled) fetch what the whole rows hold, for
    every status and privacy, merges and photos, and the same again on a second read."""
    whole = {c.code: c for c in disclosure.prefetched(Complaint.objects.all(), events=True)}
    for _round in range(2):
        for code in varied:
            for events in (False, True):
                one = disclosure.fetched_one_for_public(code, events=events)
                with django_assert_num_queries(0):
                    view = disclosure.for_public(one, events=events)
                assert view == disclosure.for_public(whole[code], events=events), code
    assert disclosure.fetched_one_for_public("ADU-0000-0000") is None


def _copies(complaint: Complaint, count: int) -> None:
    """``count`` more listed rows like ``complaint`` (same stored text), without the
    lifecycle's cost per row."""
    stamp = timezone.now()
    rows = []
    for i in range(count):
        row = Complaint.objects.get(pk=complaint.pk)
        row.pk = None
        row.code = f"ADU-9901-{i:04d}"
        row.token = f"copy-token-{i}"
        row.submission_key = None
        row.received_at = stamp
        rows.append(row)
    Complaint.objects.bulk_create(rows)


def test_open311_list_of_100_takes_three_queries(
    varied, client, django_assert_num_queries, monkeypatch
):
    source = Complaint.objects.get(code=varied[-8])  # a publik one with a photo, verified
    _copies(source, 100)
    for fmt in ("json", "xml"):
        with django_assert_num_queries(3):  # complaints, their photos, redactions
            response = client.get(f"/open311/v2/requests.{fmt}")
        assert response.status_code == 200
    items = client.get("/open311/v2/requests.json").json()
    assert len(items) > 100
    assert {item["address_id"] for item in items} >= {"35.73.04.1001", "35.73.02.1002", None}
    # Stored text only: no row is masked on read but the stale one.
    stale = varied[-1]
    calls = []
    monkeypatch.setattr(
        disclosure, "mask_pii", lambda text, names=(): calls.append(text) or "[masked]"
    )
    items = client.get("/open311/v2/requests.json").json()
    assert {i["service_request_id"] for i in items if i["description"] == "[masked]"} == {stale}


@pytest.mark.parametrize(
    ("which", "queries"),
    [
        # complaint, photos, redactions (and events on the API)
        ("publik", 3),
        # listed, with neither photos nor redactions (the row says so): the row only
        ("plain", 1),
        # photos not shown (anonim) and no redactions: the row only
        ("anonim", 1),
        # unlisted: the status only, nothing more read
        ("baru", 1),
        # merged: the survivor's code, when it is listed
        ("merged", 2),
    ],
)
def test_single_reads_take_what_they_show(
    varied, client, django_assert_num_queries, which, queries
):
    code = {
        "publik": varied[-4],
        "plain": varied[1],
        "anonim": varied[-7],
        "baru": varied[0],
        "merged": varied[-3],
    }[which]
    with django_assert_num_queries(queries):
        assert client.get(f"/open311/v2/requests/{code}.json").status_code == 200
    listed = which in ("publik", "plain", "anonim")
    with django_assert_num_queries(queries + listed):
        assert client.get(f"/api/v1/complaints/{code}").status_code == 200
