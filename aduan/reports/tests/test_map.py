"""The public map: /publik/peta/ (filters, list fallback) and its markers' JSON."""

from decimal import Decimal

import pytest

from aduan.core.models import Complaint
from aduan.reports import aggregation

PAGE = "/publik/peta/"
DATA = "/publik/peta/aduan.json"


@pytest.fixture
def placed(history):
    """Every complaint of the history with a precise position, then aggregated."""
    for n, complaint in enumerate(history.values()):
        Complaint.objects.filter(pk=complaint.pk).update(
            latitude=Decimal("-7.981234") - Decimal(n) / 1000,
            longitude=Decimal("112.627891") + Decimal(n) / 1000,
        )
    aggregation.run()
    return history


def markers(client, **params):
    response = client.get(DATA, {"bulan": 24, **params})
    assert response.status_code == 200
    return {item["code"]: item for item in response.json()["complaints"]}


def test_rahasia_and_unlisted_complaints_are_never_placed(client, placed):
    found = markers(client)
    for name in ("secret", "spam", "waiting"):
        assert placed[name].code not in found
    assert {placed[n].code for n in ("quick", "ignored", "anon", "returned")} <= set(found)
    body = client.get(DATA, {"bulan": 24}).content.decode()
    assert placed["secret"].code not in body and "reporter" not in body


def test_only_rounded_coordinates_leave(client, placed):
    found = markers(client)
    for item in found.values():
        for value in (item["lat"], item["lon"]):
            assert round(value, 3) == value
    quick = found[placed["quick"].code]
    assert (quick["lat"], quick["lon"]) == (-7.981, 112.628)
    assert set(quick) == {
        "code",
        "lat",
        "lon",
        "category",
        "status",
        "status_label",
        "overdue",
        "url",
    }
    assert quick["url"] == f"/lacak/{placed['quick'].code}/"


def test_overdue_complaints_are_marked(client, placed):
    found = markers(client)
    assert found[placed["ignored"].code]["overdue"] is True
    assert found[placed["quick"].code]["overdue"] is False
    html = client.get(PAGE, {"bulan": 24}).content.decode()
    assert "melewati tenggat" in html


def test_filters_by_category_and_status(client, placed, city):
    found = markers(client, kategori="sampah")
    assert set(found) == {placed["ignored"].code}
    found = markers(client, status="selesai")
    assert found and all(item["status"] == "selesai" for item in found.values())
    assert placed["ignored"].code not in found


def test_bad_filter_is_refused(client, placed):
    assert client.get(DATA, {"bulan": "1000"}).status_code == 400
    assert client.get(PAGE, {"status": "baru"}).status_code == 400


def test_page_lists_the_same_complaints_without_script(client, placed):
    html = client.get(PAGE, {"bulan": 24}).content.decode()
    assert f'href="/lacak/{placed["quick"].code}/"' in html
    assert placed["secret"].code not in html and placed["spam"].code not in html
    # The map's data attributes point at the JSON with the same filters.
    assert 'data-url="/publik/peta/aduan.json?bulan=24"' in html
    assert "/static/vendor/markercluster/leaflet.markercluster.js" in html
    # Filters are a plain GET form.
    assert 'name="kategori"' in html and 'name="status"' in html and 'name="bulan"' in html


def test_read_only(client, placed):
    assert client.post(DATA).status_code == 405
    assert client.post(PAGE).status_code == 405
