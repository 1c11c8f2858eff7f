"""Request limits through HTTP: 429 with Retry-After on every limited surface, in its shape.

The suite runs with limits off (settings_test); each test here sets small ones.
"""

import json
import time
from xml.etree import ElementTree as ET

import pytest
import time_machine

from aduan.core import ratelimit
from aduan.core.models import RateLimitCounter

ME = "192.0.2.10"
NEIGHBOUR = "192.0.2.11"


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.ADUAN_RATE_LIMITS = {
            "filing": "",
            "tracking": "",
            "login": "",
            "second_factor": "",
            "webhook": "",
            "data_subject": "",
            **rates,
        }

    return set_limits


def refused(response):
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 3600
    assert "no-store" in response["Cache-Control"]
    return wait


# -- filing ------------------------------------------------------------------------------------


# Twenty minutes into an hour window: the wait reads in minutes, whenever the suite runs.
@time_machine.travel("2026-11-05 10:20:00+07:00", tick=False)
def test_web_filing_is_limited_with_a_small_indonesian_page(client, city, limits):
    limits(filing="2/h")
    for _ in range(2):
        # An empty form: the view answers it (400), and it still counts.
        assert client.post("/aduan/baru/", {}, REMOTE_ADDR=ME).status_code == 400
    response = client.post("/aduan/baru/", {}, REMOTE_ADDR=ME)
    refused(response)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Terlalu banyak permintaan dari alamat Anda" in page and "menit" in page
    assert "Content-Security-Policy" in response
    # The form itself still opens, and a neighbour still files.
    assert client.get("/aduan/baru/", REMOTE_ADDR=ME).status_code == 200
    assert client.post("/aduan/baru/", {}, REMOTE_ADDR=NEIGHBOUR).status_code == 400


def test_api_filing_answers_in_the_apis_error_shape(client, city, limits):
    limits(filing="1/h")
    first = client.post("/api/v1/complaints", "{}", content_type="application/json", REMOTE_ADDR=ME)
    assert first.status_code == 400
    response = client.post(
        "/api/v1/complaints", "{}", content_type="application/json", REMOTE_ADDR=ME
    )
    refused(response)
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == set(first.json()["error"])
    assert body["error"]["code"] == "rate_limited" and body["error"]["field"] is None
    assert "Coba lagi dalam" in body["error"]["message"]


def test_open311_filing_answers_in_open311s_error_shape(client, city, limits):
    limits(filing="1/h")
    assert client.post("/open311/v2/requests.json", {}, REMOTE_ADDR=ME).status_code != 429
    response = client.post("/open311/v2/requests.json", {}, REMOTE_ADDR=ME)
    refused(response)
    body = json.loads(response.content)
    assert isinstance(body, list) and body[0]["code"] == 429
    assert "Coba lagi" in body[0]["description"]
    xml = client.post("/open311/v2/requests.xml", {}, REMOTE_ADDR=ME)
    refused(xml)
    root = ET.fromstring(xml.content)  # noqa: S314 - our own response
    assert root.tag == "errors" and root.find("error/code").text == "429"


def test_the_three_filing_doors_share_one_allowance(client, city, limits):
    limits(filing="2/h")
    client.post("/aduan/baru/", {}, REMOTE_ADDR=ME)
    client.post("/api/v1/complaints", "{}", content_type="application/json", REMOTE_ADDR=ME)
    refused(client.post("/open311/v2/requests.json", {}, REMOTE_ADDR=ME))


# -- tracking ----------------------------------------------------------------------------------


def test_tracking_form_counts_only_submitted_lookups(client, city, limits):
    limits(tracking="2/h")
    for _ in range(5):
        assert client.get("/lacak/", REMOTE_ADDR=ME).status_code == 200
    client.get("/lacak/", {"kode": "ADU-0000-0001"}, REMOTE_ADDR=ME)
    client.get("/lacak/ADU-0000-0002/", REMOTE_ADDR=ME)
    response = client.get("/lacak/", {"kode": "ADU-0000-0003"}, REMOTE_ADDR=ME)
    refused(response)
    assert "Terlalu banyak permintaan" in response.content.decode()
    refused(client.get("/lacak/ADU-0000-0004/", REMOTE_ADDR=ME))


def test_api_tracking_is_limited(client, city, limits):
    limits(tracking="1/h")
    assert client.get("/api/v1/complaints/ADU-0000-0001", REMOTE_ADDR=ME).status_code == 404
    response = client.get("/api/v1/complaints/ADU-0000-0002", REMOTE_ADDR=ME)
    refused(response)
    assert response.json()["error"]["code"] == "rate_limited"
    # The reference data and the reporter's own list are not lookups by code.
    assert client.get("/api/v1/categories", REMOTE_ADDR=ME).status_code == 200


def test_open311_counts_each_id_of_a_list(client, city, limits):
    limits(tracking="5/h")
    ids = "ADU-0000-0001,ADU-0000-0002,ADU-0000-0003"
    url = "/open311/v2/requests.json"
    assert client.get(url, {"service_request_id": ids}, REMOTE_ADDR=ME).status_code == 200
    # Three more ids make six lookups: over five.
    response = client.get(url, {"service_request_id": ids}, REMOTE_ADDR=ME)
    refused(response)
    assert json.loads(response.content)[0]["code"] == 429
    # A search without ids is not a lookup by code; single requests are.
    assert client.get(url, REMOTE_ADDR=ME).status_code == 200
    refused(client.get("/open311/v2/requests/ADU-0000-0001.json", REMOTE_ADDR=ME))


def test_one_list_of_many_ids_is_refused_at_once(client, city, limits):
    limits(tracking="120/h")
    many = ",".join(f"ADU-0000-{i:04d}" for i in range(121))
    response = client.get("/open311/v2/requests.xml", {"service_request_id": many}, REMOTE_ADDR=ME)
    refused(response)
    assert ET.fromstring(response.content).tag == "errors"  # noqa: S314 - our own response


# -- logins, second factor, webhooks -------------------------------------------------------------


def test_login_posts_are_limited_per_address(client, city, limits):
    limits(login="3/15min")
    for _ in range(3):
        response = client.post("/kantor/masuk/", {"username": "x", "password": "y"}, REMOTE_ADDR=ME)
        assert response.status_code == 200
    response = client.post("/kantor/masuk/", {"username": "x", "password": "y"}, REMOTE_ADDR=ME)
    assert refused(response) <= 15 * 60
    assert "Terlalu banyak permintaan" in response.content.decode()
    # Showing the login page is not limited.
    assert client.get("/kantor/masuk/", REMOTE_ADDR=ME).status_code == 200


def test_second_factor_codes_are_limited(client, city, limits, settings):
    limits(second_factor="2/15min")
    for path in (
        "/kantor/masuk/kode/",
        "/kantor/2fa/pemulihan/",
        "/kantor/akun/dua-langkah/ganti/",
    ):
        assert ratelimit.rule_for(_post(path)).bucket == "second_factor"
    for _ in range(2):
        assert (
            client.post("/kantor/masuk/kode/", {"code": "123456"}, REMOTE_ADDR=ME).status_code
            != 429
        )
    refused(client.post("/kantor/masuk/kode/", {"code": "123456"}, REMOTE_ADDR=ME))


def test_data_subject_codes_are_limited(client, city, limits):
    """Each request for a code sends an SMS or e-mail: a script must not send hundreds."""
    limits(data_subject="2/h")
    for path in ("/data-saya/kode/", "/data-saya/verifikasi/"):
        assert ratelimit.rule_for(_post(path)).bucket == "data_subject"
    for _ in range(2):
        response = client.post("/data-saya/kode/", {"contact": "0812 3456 7890"}, REMOTE_ADDR=ME)
        assert response.status_code != 429
    refused(client.post("/data-saya/kode/", {"contact": "0812 3456 7890"}, REMOTE_ADDR=ME))
    refused(client.post("/data-saya/verifikasi/", {"code": "123456"}, REMOTE_ADDR=ME))
    response = client.post("/data-saya/kode/", {"contact": "0812 3456 7890"}, REMOTE_ADDR=NEIGHBOUR)
    assert response.status_code != 429


def test_webhooks_are_limited_in_plain_text(client, city, limits):
    limits(webhook="2/min")
    for _ in range(2):
        assert (
            client.post(
                "/webhooks/telegram/", "{}", content_type="application/json", REMOTE_ADDR=ME
            ).status_code
            == 403
        )
    response = client.post(
        "/webhooks/telegram/", "{}", content_type="application/json", REMOTE_ADDR=ME
    )
    assert refused(response) <= 60
    assert response["Content-Type"].startswith("text/plain")
    assert "Coba lagi" in response.content.decode()


# -- windows, addresses, the table -------------------------------------------------------------


def test_the_window_ends_and_the_client_may_file_again(client, city, limits):
    limits(filing="1/h")
    start = 1_900_000_000 // 3600 * 3600  # an hour boundary
    with time_machine.travel(start + 600, tick=False):
        client.post("/aduan/baru/", {}, REMOTE_ADDR=ME)
        response = client.post("/aduan/baru/", {}, REMOTE_ADDR=ME)
        assert refused(response) == 3000
    with time_machine.travel(start + 3600, tick=False):
        assert client.post("/aduan/baru/", {}, REMOTE_ADDR=ME).status_code == 400
    # The ended window's row was swept when the new one started.
    assert list(RateLimitCounter.objects.values_list("window_start", "hits")) == [(start + 3600, 1)]


def test_one_row_per_bucket_address_and_window(client, city, limits):
    limits(filing="5/h", tracking="5/h")
    for _ in range(3):
        client.post("/aduan/baru/", {}, REMOTE_ADDR=ME)
    client.get("/lacak/ADU-0000-0001/", REMOTE_ADDR=ME)
    client.post("/aduan/baru/", {}, REMOTE_ADDR=NEIGHBOUR)
    rows = {(r.bucket, r.address): r.hits for r in RateLimitCounter.objects.all()}
    assert rows == {("filing", ME): 3, ("tracking", ME): 1, ("filing", NEIGHBOUR): 1}


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client, city, limits, settings):
    limits(filing="1/h")
    client.post("/aduan/baru/", {}, REMOTE_ADDR=ME, HTTP_X_FORWARDED_FOR="203.0.113.1")
    # Without a trusted proxy a forged header changes nothing.
    refused(client.post("/aduan/baru/", {}, REMOTE_ADDR=ME, HTTP_X_FORWARDED_FOR="203.0.113.2"))
    settings.ADUAN_PROXY_COUNT = 1
    proxy = "10.1.1.1"
    # Behind one proxy the client is the right-most entry; what the client wrote before it
    # (the left part) cannot make it someone else.
    assert (
        client.post(
            "/aduan/baru/", {}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5"
        ).status_code
        == 400
    )
    refused(
        client.post(
            "/aduan/baru/", {}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5"
        )
    )
    assert (
        client.post(
            "/aduan/baru/", {}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"
        ).status_code
        == 400
    )


def test_an_ipv6_subscriber_is_counted_by_its_64(client, city, limits):
    limits(filing="1/h")
    client.post("/aduan/baru/", {}, REMOTE_ADDR="2001:db8:1:2::1")
    refused(client.post("/aduan/baru/", {}, REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    assert client.post("/aduan/baru/", {}, REMOTE_ADDR="2001:db8:1:3::1").status_code == 400


def test_limits_are_read_from_the_settings(client, city, limits):
    limits(filing="")  # off
    for _ in range(5):
        assert client.post("/aduan/baru/", {}, REMOTE_ADDR=ME).status_code == 400
    assert not RateLimitCounter.objects.exists()
    limits(filing="3/h")
    for _ in range(3):
        client.post("/aduan/baru/", {}, REMOTE_ADDR=ME)
    refused(client.post("/aduan/baru/", {}, REMOTE_ADDR=ME))


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/h", ratelimit.Rate(10, 3600)),
        ("600/min", ratelimit.Rate(600, 60)),
        ("30/15min", ratelimit.Rate(30, 900)),
        (" 5 / 2d ", ratelimit.Rate(5, 172800)),
        ("", None),
        ("off", None),
    ],
)
def test_rates_read(text, rate):
    assert ratelimit.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["10", "10/week", "ten/h", "-1/h"])
def test_unreadable_rates_are_refused(text):
    with pytest.raises(ValueError, match="Unreadable rate"):
        ratelimit.parse_rate(text)


def test_the_counter_adds_under_one_statement(db, django_assert_num_queries):
    rate = ratelimit.Rate(10, 60)
    now = time.time()
    with django_assert_num_queries(2):  # the upsert, and the sweep of a new window
        assert ratelimit.count("filing", ME, rate, 1, now) == 1
    with django_assert_num_queries(1):
        assert ratelimit.count("filing", ME, rate, 3, now) == 4


def _post(path):
    from django.test import RequestFactory

    return RequestFactory().post(path)


def test_a_failing_counter_lets_the_request_through(client, city, limits, monkeypatch, caplog):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("database is locked")

    limits(filing="1/h")
    monkeypatch.setattr(ratelimit, "count", broken)
    for _ in range(3):
        assert client.post("/aduan/baru/", {}, REMOTE_ADDR=ME).status_code == 400
    assert "Rate limit not counted for filing" in caplog.text
