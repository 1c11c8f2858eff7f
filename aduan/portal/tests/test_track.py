"""Finding a complaint by its code: /lacak/?kode=..."""

import pytest

from aduan.core.models import Complaint


def test_empty_form(client, db):
    response = client.get("/lacak/")
    assert response.status_code == 200
    assert 'name="kode"' in response.content.decode()


def test_exact_code_redirects_to_status(client, make_complaint):
    complaint = make_complaint()
    response = client.get("/lacak/", {"kode": complaint.code})
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{complaint.code}/"


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c.lower().replace("-", " "),  # adu 2611 0042
        lambda c: c.replace("-", ""),  # ADU26110042
        lambda c: "  " + c.lower() + " ",
        lambda c: c.replace("-", "."),
    ],
)
def test_code_as_people_type_it_is_normalised(client, make_complaint, typed):
    complaint = make_complaint()
    response = client.get("/lacak/", {"kode": typed(complaint.code)})
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{complaint.code}/"


def test_unknown_code_is_404_with_a_message(client, make_complaint):
    complaint = make_complaint()
    unknown = complaint.code[:-4] + "9999"
    assert not Complaint.objects.filter(code=unknown).exists()
    response = client.get("/lacak/", {"kode": unknown})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Kode aduan tidak ditemukan. Periksa kembali penulisannya." in html
    assert f'value="{unknown}"' in html  # what was typed stays in the box


def test_garbage_is_404_with_the_same_message(client, db):
    response = client.get("/lacak/", {"kode": "halo pak"})
    assert response.status_code == 404
    assert "Kode aduan tidak ditemukan" in response.content.decode()


def test_empty_code_asks_for_one(client, db):
    response = client.get("/lacak/", {"kode": ""})
    assert response.status_code == 400
    assert "Masukkan kode aduan Anda." in response.content.decode()


def test_post_is_refused(client, db):
    assert client.post("/lacak/", {"kode": "ADU-2611-0042"}).status_code == 405
