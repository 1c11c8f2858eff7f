"""The moderator's actions on the complaint page: each through HTTP, each leaving its event."""

import re

import pytest

from aduan.core.models import Event, Kind, Privacy, Status

from .conftest import act_url, login, post_action

pytestmark = pytest.mark.django_db


def last_event(complaint):
    return complaint.events.order_by("-id").first()


def test_dispatch_to_lead_and_supporting(complaint_in, mira, city):
    c = complaint_in(Status.BARU)
    client = login(mira)
    r = post_action(
        client,
        c,
        "disposisi",
        lead=city["dpupr"].pk,
        supporting=[city["dlh"].pk, city["pdam"].pk, city["dpupr"].pk],
        note="Mohon koordinasi",
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.DIDISPOSISIKAN
    assert c.lead_agency == city["dpupr"]
    assert set(c.supporting_agencies.values_list("code", flat=True)) == {"dlh", "pdam"}
    event = last_event(c)
    assert event.kind == Event.Kind.DISPATCHED
    assert event.actor == mira
    assert event.data["supporting"] == ["dlh", "pdam"]


def test_dispatch_form_preselects_category_agencies(complaint_in, mira, city):
    city["roads"].supporting_agencies.set([city["pdam"]])
    c = complaint_in(Status.BARU)
    html = login(mira).get(f"/kantor/aduan/{c.code}/").content.decode()
    lead_select = html.split('name="lead"')[1].split("</select>")[0]
    assert f'value="{city["dpupr"].pk}" selected' in lead_select
    boxes = {
        int(re.search(r'value="(\d+)"', tag).group(1)): "checked" in tag
        for tag in re.findall(r'<input[^>]*name="supporting"[^>]*>', html)
    }
    assert boxes[city["pdam"].pk] is True
    assert boxes[city["dlh"].pk] is False


def test_verify_only(complaint_in, mira):
    c = complaint_in(Status.BARU)
    r = post_action(login(mira), c, "verifikasi", note="Sudah dicek")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.TERVERIFIKASI
    assert last_event(c).kind == Event.Kind.VERIFIED


def test_request_info_pauses(complaint_in, mira):
    c = complaint_in(Status.TERVERIFIKASI)
    r = post_action(login(mira), c, "minta-info", question="Nomor rumah berapa?")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.MENUNGGU_INFO
    assert c.resume_status == Status.TERVERIFIKASI
    event = last_event(c)
    assert (event.kind, event.note, event.is_public) == (
        Event.Kind.INFO_REQUESTED,
        "Nomor rumah berapa?",
        True,
    )


def test_reject_with_reason_citizen_sees_explanation(complaint_in, mira, city, client):
    c = complaint_in(Status.BARU)
    r = post_action(login(mira), c, "tolak", reason=city["not_city"].pk)
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.DITOLAK
    assert last_event(c).data["reason"] == "not_city_matter"
    page = client.get(f"/k/{c.token}/").content.decode()
    assert "bukan kewenangan Pemerintah Kota Malang" in page
    assert "PLN UP3 Malang" in page


def test_reject_without_reason_is_400(complaint_in, mira):
    c = complaint_in(Status.BARU)
    r = post_action(login(mira), c, "tolak")
    assert r.status_code == 400
    c.refresh_from_db()
    assert c.status == Status.BARU


def test_merge_by_code(complaint_in, make_complaint, mira):
    survivor = make_complaint()
    c = complaint_in(Status.BARU)
    r = post_action(login(mira), c, "gabung", into=survivor.code.lower().replace("-", " "))
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.DIGABUNG
    assert c.merged_into == survivor
    assert last_event(c).data == {"into": survivor.code}


def test_merge_unknown_code_is_400(complaint_in, mira):
    c = complaint_in(Status.BARU)
    r = post_action(login(mira), c, "gabung", into="ADU-9901-9999")
    assert r.status_code == 400
    assert "tidak ditemukan" in r.content.decode()


def test_merge_into_itself_is_refused(complaint_in, mira):
    c = complaint_in(Status.BARU)
    r = post_action(login(mira), c, "gabung", into=c.code)
    assert r.status_code == 400
    assert "dirinya sendiri" in r.content.decode()
    c.refresh_from_db()
    assert c.status == Status.BARU


def test_answer_directly(complaint_in, mira):
    c = complaint_in(Status.BARU, kind=Kind.INFORMASI, text="Jam buka Mal Pelayanan Publik?")
    r = post_action(login(mira), c, "jawab", answer="Senin–Jumat 08.00–15.00.")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.SELESAI
    assert c.answer == "Senin–Jumat 08.00–15.00."
    assert last_event(c).kind == Event.Kind.RESOLVED


def test_correct_privacy_needs_reason(complaint_in, mira):
    c = complaint_in(Status.BARU)
    data = {"kind": Kind.PENGADUAN, "category": c.category_id, "priority": "normal"}
    r = post_action(login(mira), c, "koreksi", privacy=Privacy.ANONIM, **data)
    assert r.status_code == 400
    c.refresh_from_db()
    assert c.privacy == Privacy.PUBLIK
    r = post_action(
        login(mira),
        c,
        "koreksi",
        privacy=Privacy.ANONIM,
        reason="Pelapor minta lewat telepon",
        **data,
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.privacy == Privacy.ANONIM
    event = last_event(c)
    assert event.kind == Event.Kind.CORRECTED
    assert event.actor == mira
    assert event.note == "Pelapor minta lewat telepon"
    assert event.data["changes"] == {"privacy": ["publik", "anonim"]}


def test_correct_category_and_kind(complaint_in, mira, city):
    c = complaint_in(Status.TERVERIFIKASI)
    r = post_action(
        login(mira),
        c,
        "koreksi",
        kind=Kind.ASPIRASI,
        category=city["waste"].pk,
        privacy=Privacy.PUBLIK,
        priority="tinggi",
    )
    assert r.status_code == 302
    changes = last_event(c).data["changes"]
    assert changes["category"] == ["jalan-rusak", "sampah"]
    assert changes["kind"] == ["pengaduan", "aspirasi"]
    assert changes["priority"] == ["normal", "tinggi"]


def test_dispatch_twice_second_is_409(complaint_in, mira, city):
    c = complaint_in(Status.BARU)
    client = login(mira)
    version = c.version
    assert post_action(client, c, "disposisi", lead=city["dpupr"].pk).status_code == 302
    r = post_action(client, c, "disposisi", version=version, lead=city["dlh"].pk)
    assert r.status_code == 409
    c.refresh_from_db()
    assert c.lead_agency == city["dpupr"]
    assert c.events.filter(kind=Event.Kind.DISPATCHED).count() == 1


def test_dispatch_twice_with_fresh_version_is_refused(complaint_in, mira, city):
    c = complaint_in(Status.BARU)
    client = login(mira)
    post_action(client, c, "disposisi", lead=city["dpupr"].pk)
    r = post_action(client, c, "disposisi", lead=city["dlh"].pk)
    assert r.status_code == 409
    assert "tidak dapat dilakukan" in r.content.decode()
    assert c.events.filter(kind=Event.Kind.DISPATCHED).count() == 1


@pytest.mark.parametrize("action", ["disposisi", "tolak", "gabung", "jawab", "koreksi"])
def test_wrong_method(complaint_in, mira, action):
    c = complaint_in(Status.BARU)
    assert login(mira).get(act_url(c, action)).status_code == 405


def test_unknown_action_is_404(complaint_in, mira):
    c = complaint_in(Status.BARU)
    assert post_action(login(mira), c, "hapus-semua").status_code == 404


def test_anonymous_visitor_is_sent_to_login(complaint_in, client, city):
    c = complaint_in(Status.BARU)
    r = client.post(act_url(c, "disposisi"), {"version": c.version, "lead": city["dpupr"].pk})
    assert r.status_code == 302
    assert "/kantor/masuk/" in r["Location"]
    c.refresh_from_db()
    assert c.status == Status.BARU
