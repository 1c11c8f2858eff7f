"""The moderator queue: contents, order, filters, keyset pages and bulk actions."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Channel, Complaint, Event, Kind, Status

from .conftest import login

pytestmark = pytest.mark.django_db


def codes(html):
    return re.findall(r'class="office-code" href="/kantor/aduan/([^/]+)/"', html)


def test_queue_holds_new_verified_and_returned_only(complaint_in, mira, adi):
    new = complaint_in(Status.BARU)
    verified = complaint_in(Status.TERVERIFIKASI)
    dispatched = complaint_in(Status.DIDISPOSISIKAN)
    returned = complaint_in(Status.DIDISPOSISIKAN)
    lifecycle.return_dispatch(returned, adi, reason="Bukan wewenang.")
    shown = codes(login(mira).get("/kantor/antrean/").content.decode())
    assert set(shown) == {new.code, verified.code, returned.code}
    assert dispatched.code not in shown


def test_ordered_by_nearest_deadline_nulls_last_then_received(make_complaint, mira):
    now = timezone.now()
    a, b, c, d = (make_complaint(at=now - timedelta(hours=h)) for h in (1, 2, 3, 4))
    Complaint.objects.filter(pk=a.pk).update(due_at=now + timedelta(hours=1))
    Complaint.objects.filter(pk=b.pk).update(due_at=now + timedelta(hours=5))
    # c and d have no running clock: after the others, oldest first.
    shown = codes(login(mira).get("/kantor/antrean/").content.decode())
    assert shown == [a.code, b.code, d.code, c.code]


def test_filters(make_complaint, mira, city):
    sms = make_complaint(
        channel=Channel.SMS, text="Sampah menumpuk di gang", category=city["waste"]
    )
    question = make_complaint(
        kind=Kind.INFORMASI, text="Jam buka kantor?", kelurahan=city["gadang"]
    )
    road = make_complaint()
    client = login(mira)

    def shown(query):
        return set(codes(client.get(f"/kantor/antrean/?{query}").content.decode()))

    assert shown("channel=sms") == {sms.code}
    assert shown("kind=informasi") == {question.code}
    assert shown(f"category={city['waste'].pk}") == {sms.code}
    assert shown(f"kecamatan={city['sukun'].pk}") == {question.code}
    assert shown(f"kelurahan={city['gadang'].pk}") == {question.code}
    assert shown("q=menumpuk") == {sms.code}
    assert shown(f"q={road.code.lower()}") == {road.code}
    assert shown("status=terverifikasi") == set()
    # A nonsense filter is ignored rather than an error.
    assert shown("status=hacked&category=x") == {sms.code, question.code, road.code}


def test_agency_filter_in_queue_means_the_categorys_agency(make_complaint, mira, city):
    road = make_complaint()
    waste = make_complaint(category=city["waste"])
    html = login(mira).get(f"/kantor/antrean/?agency={city['dlh'].pk}").content.decode()
    assert codes(html) == [waste.code]
    assert road.code not in html


def test_agency_filter_in_overview_means_lead_or_supporting(make_complaint, sekar, mira, city):
    lead = make_complaint()
    supporting = make_complaint()
    neither = make_complaint(category=city["waste"])
    lifecycle.dispatch(lead, mira, lead=city["pdam"])
    lifecycle.dispatch(supporting, mira, lead=city["dpupr"], supporting=[city["pdam"]])
    html = login(sekar).get(f"/kantor/semua/?agency={city['pdam'].pk}").content.decode()
    assert set(codes(html)) == {lead.code, supporting.code}
    assert neither.code not in html


def test_keyset_pages_walk_everything_once(make_complaint, mira, monkeypatch):
    from aduan.office.views import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    now = timezone.now()
    made = [make_complaint(at=now - timedelta(minutes=i)) for i in range(8)]
    for i, c in enumerate(made[:4]):
        Complaint.objects.filter(pk=c.pk).update(due_at=now + timedelta(hours=i % 2))
    client = login(mira)
    seen, url, pages = [], "/kantor/antrean/", []
    while url:
        html = client.get(url).content.decode()
        pages.append(codes(html))
        seen += pages[-1]
        nxt = re.search(r'href="\?([^"]*setelah=[^"]+)" rel="next"', html)
        url = f"/kantor/antrean/?{nxt.group(1).replace('&amp;', '&')}" if nxt else None
    assert sorted(seen) == sorted(c.code for c in made)
    assert len(seen) == len(set(seen))
    assert [len(p) for p in pages] == [3, 3, 2]
    # Going back from the last page gives the middle page again.
    prev = re.search(r'href="\?([^"]*sebelum=[^"]+)" rel="prev"', html).group(1)
    back = codes(client.get(f"/kantor/antrean/?{prev.replace('&amp;', '&')}").content.decode())
    assert back == pages[1]


def test_garbage_cursor_shows_first_page(make_complaint, mira):
    c = make_complaint()
    r = login(mira).get("/kantor/antrean/?setelah=%%%not-a-cursor")
    assert r.status_code == 200
    assert codes(r.content.decode()) == [c.code]


def test_queue_is_for_moderators(complaint_in, adi, sekar):
    complaint_in(Status.BARU)
    assert login(adi).get("/kantor/antrean/").status_code == 403
    assert login(sekar).get("/kantor/antrean/").status_code == 403


# -- bulk ----------------------------------------------------------------------


def bulk(client, items, **data):
    return client.post("/kantor/antrean/massal/", {"items": items, **data})


def test_bulk_dispatch_each_through_lifecycle(make_complaint, mira, city):
    a, b = make_complaint(), make_complaint()
    r = bulk(
        login(mira),
        [f"{a.code}:{a.version}", f"{b.code}:{b.version}"],
        action="dispatch",
        lead=city["dlh"].pk,
    )
    assert r.status_code == 302
    for c in (a, b):
        c.refresh_from_db()
        assert (c.status, c.lead_agency) == (Status.DIDISPOSISIKAN, city["dlh"])
        assert c.events.filter(kind=Event.Kind.DISPATCHED, actor=mira).count() == 1


def test_bulk_reports_per_item_failures(make_complaint, mira, city):
    ok, stale, gone = make_complaint(), make_complaint(), make_complaint()
    stale_version = stale.version
    lifecycle.verify(stale, mira)
    client = login(mira)
    r = bulk(
        client,
        [f"{ok.code}:{ok.version}", f"{stale.code}:{stale_version}", "ADU-0101-9999:1"],
        action="reject",
        reason=city["spam"].pk,
        filters="channel=web",
    )
    assert r.status_code == 302
    assert r["Location"] == "/kantor/antrean/?channel=web"
    html = client.get(r["Location"]).content.decode()
    assert f"1 aduan ditolak: {ok.code}" in html
    assert f"{stale.code}: Aduan {stale.code} baru saja diubah" in html
    assert "ADU-0101-9999: Aduan tidak ditemukan." in html
    ok.refresh_from_db()
    stale.refresh_from_db()
    assert ok.status == Status.DITOLAK
    assert stale.status == Status.TERVERIFIKASI
    assert gone.status == Status.BARU


def test_bulk_twice_second_run_fails_per_item(make_complaint, mira, city):
    a = make_complaint()
    items = [f"{a.code}:{a.version}"]
    client = login(mira)
    bulk(client, items, action="dispatch", lead=city["dlh"].pk)
    r = bulk(client, items, action="dispatch", lead=city["dpupr"].pk)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.lead_agency == city["dlh"]
    assert a.events.filter(kind=Event.Kind.DISPATCHED).count() == 1


def test_bulk_needs_a_target_and_items(make_complaint, mira):
    a = make_complaint()
    client = login(mira)
    r = bulk(client, [f"{a.code}:{a.version}"], action="dispatch")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Pilih OPD tujuan." in html
    assert re.search(rf'<input[^>]*value="{a.code}:{a.version}"[^>]*checked', html)
    r = bulk(client, [], action="reject")
    assert r.status_code == 400
    assert "Pilih minimal satu aduan." in r.content.decode()


def test_bulk_wrong_method_and_roles(make_complaint, mira, adi, sekar, sari, city):
    a = make_complaint()
    assert login(mira).get("/kantor/antrean/massal/").status_code == 405
    for user in (adi, sekar, sari):
        r = bulk(login(user), [f"{a.code}:{a.version}"], action="dispatch", lead=city["dlh"].pk)
        assert r.status_code == 403
    a.refresh_from_db()
    assert a.status == Status.BARU
