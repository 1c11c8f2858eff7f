"""The public feed: filters, search on masked text only, keyset pages, the live privacy
gate, and the official answers with their honest outcome."""

import re

import pytest

from aduan.core import lifecycle
from aduan.core.models import Privacy, Status
from aduan.reports import aggregation, feed

from .conftest import NAME, wib


def _codes(html: str) -> list[str]:
    return re.findall(r'class="rp-code" href="/lacak/(ADU-\d{4}-\d{4,6})/"', html)


def test_lists_public_complaints_newest_first(aggregated, client):
    response = client.get("/publik/")
    assert response.status_code == 200
    codes = _codes(response.content.decode())
    expected = [
        aggregated[n].code
        for n in ("november", "budget", "returned", "anon", "ignored", "slow", "quick")
    ]
    assert codes == expected


def test_filters(aggregated, client, city):
    def codes(**params):
        return set(_codes(client.get("/publik/", params).content.decode()))

    assert codes(kategori="sampah") == {aggregated["ignored"].code}
    assert codes(kecamatan="35.73.04") == {aggregated["anon"].code, aggregated["november"].code}
    assert codes(kelurahan="35.73.04.1001") == codes(kecamatan="35.73.04")
    assert codes(opd="dlh") == {aggregated["ignored"].code, aggregated["returned"].code}
    assert codes(status=Status.DITUNDA_ANGGARAN) == {aggregated["budget"].code}
    assert codes(opd="dlh", status=Status.SELESAI) == {aggregated["returned"].code}


def test_unknown_filter_values_are_a_bad_request(aggregated, client):
    response = client.get("/publik/", {"kategori": "tidak-ada"})
    assert response.status_code == 400
    assert _codes(response.content.decode()) == []
    assert client.get("/publik/data/aduan.csv", {"status": "baru"}).status_code == 400


def test_search_matches_masked_text_and_codes_only(aggregated, client):
    def codes(q):
        return set(_codes(client.get("/publik/", {"q": q}).content.decode()))

    assert codes("trotoar kawi") == {aggregated["quick"].code}
    assert codes("sampah") == {aggregated["ignored"].code, aggregated["anon"].code}
    assert codes(aggregated["slow"].code.lower().replace("-", " ")) == {aggregated["slow"].code}
    # The reporter's name is in the original text, but searching it finds nothing:
    # otherwise anyone could learn which complaints mention a person.
    assert codes(NAME) == set()
    assert codes("Sutrisno") == set()


def test_keyset_pages_walk_every_row_once(aggregated, client):
    seen, cursor = [], None
    while True:
        rows, cursor = feed.page({}, cursor, size=3)
        seen += [r.code for r in rows]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    assert seen == _codes(client.get("/publik/").content.decode())


def test_the_next_page_link(aggregated, client, monkeypatch):
    monkeypatch.setattr(feed, "PAGE_SIZE", 3)
    first = client.get("/publik/").content.decode()
    link = re.search(r'href="/publik/\?sebelum=([\d.]+)" rel="next"', first)
    assert link
    second = client.get("/publik/", {"sebelum": link.group(1)}).content.decode()
    assert set(_codes(first)).isdisjoint(_codes(second)) and len(_codes(second)) == 3
    # A forged cursor is ignored, not an error.
    assert client.get("/publik/", {"sebelum": "abc"}).status_code == 200


def test_a_complaint_made_rahasia_disappears_before_the_job_runs(aggregated, client, mira):
    quick = aggregated["quick"]
    lifecycle.correct(quick, mira, privacy=Privacy.RAHASIA, reason="Permintaan pelapor.")
    assert quick.code not in client.get("/publik/").content.decode()
    assert (
        quick.code not in b"".join(client.get("/publik/data/aduan.csv").streaming_content).decode()
    )


def test_answers_show_their_honest_outcome(aggregated, client):
    html = client.get("/publik/", {"opd": "dlh", "status": "selesai"}).content.decode()
    assert "Dirujuk ke pihak lain" in html and "PLN UP3 Malang" in html
    assert "Dirujuk ke PLN untuk kabelnya." in html
    budget = client.get("/publik/", {"status": "ditunda_anggaran"}).content.decode()
    assert "tahun anggaran 2027" in budget


def test_new_complaints_appear_after_a_pass_of_the_job(aggregated, client, city, mira):
    fresh, _ = lifecycle.create_complaint(
        text="Trotoar di depan sekolah rusak.",
        channel="web",
        kelurahan=city["kauman"],
        at=wib(2026, 11, 20, 9),
    )
    lifecycle.verify(fresh, mira, at=wib(2026, 11, 20, 10))
    assert fresh.code not in client.get("/publik/").content.decode()
    aggregation.run()
    assert fresh.code in client.get("/publik/").content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only(aggregated, client, method):
    for url in ("/publik/", "/publik/peta/", "/publik/statistik/", "/publik/data/aduan.csv"):
        assert getattr(client, method)(url).status_code == 405
