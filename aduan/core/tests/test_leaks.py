"""Every surface, read as each audience meets it, carries nothing it must not.

A small city is seeded with personal values (also in the spellings citizens use to
dodge scrapers), moderators' redactions, internal notes of every kind, private tokens
and exact locations, in every privacy mode and in listed and unlisted statuses. Then
every public surface is read (pages, API, Open311 in both formats and with many ids at
once, photos, downloads, chat status replies) and none of those values may appear. The
same for agency staff reading anonymous complaints, and for the reporter's own page.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from aduan.core import lifecycle
from aduan.core.models import (
    Attachment,
    Complaint,
    Event,
    OutboundMessage,
    Privacy,
    Redaction,
    Status,
)
from aduan.lib.images import clean_image
from aduan.reports import aggregation
from conftest import PASSWORD, image_bytes

# One reporter per privacy mode: agency staff may see the first two, never the anonymous one.
NAMES = {
    Privacy.PUBLIK: "Hartono Gunadi",
    Privacy.RAHASIA: "Setyo Pranoto",
    Privacy.ANONIM: "Wiryawan Sasmita",
}
NAME = NAMES[Privacy.ANONIM]
ANONYMOUS_PHONE = "085600001111"
PHONE = "0812-3456-7890"
NIK = "3573014506900002"
EMAILS = ("wsas.kauman@gmail.com", "wsasmita77 at gmail dot com", "sasmitaw＠yahoo．co．id")
EMAIL_LOCALS = ("wsas.kauman", "wsasmita77", "sasmitaw")
REDACTED = "Tjokrosuyoso"
AGENCY_PERSON_PHONE = "0857-1122-3344"
INFO_PHONE = "0813-9988-7766"
ADDRESS = "Jl. Kenari Gang Buntu {n}A"
LATITUDE, LONGITUDE = Decimal("-7.981234"), Decimal("112.630987")
INTERNAL = {
    "verify": "CATATAN-VERIF-7781",
    "dispatch": "UNTUK-OPD-5523",
    "reject": "TOLAK-INTERNAL-9912",
    "merge": "GABUNG-INTERNAL-3310",
    "resolve": "RESOLVE-INTERNAL-4410",
    "return": "RETURN-ALASAN-6671",
    "note": "NOTE-INTERNAL-8800",
    "private_update": "UPDATE-INTERNAL-1204",
}
DISPUTE = "BANTAH-PELAPOR-5150"

TEXT = (
    "Saya {name} warga Kauman. Jalan berlubang di depan rumah Pak "
    f"{REDACTED}, "
    f"sudah dua minggu. Hubungi {PHONE}, NIK {NIK}, email {EMAILS[0]} "
    f"atau {EMAILS[1]} atau {EMAILS[2]}."
)
STATUSES = (
    Status.BARU,
    Status.TERVERIFIKASI,
    Status.DIDISPOSISIKAN,
    Status.DIPROSES,
    Status.MENUNGGU_INFO,
    Status.SELESAI,
    Status.DITUTUP,
    Status.DITOLAK,
    Status.DIGABUNG,
)
SIX_DECIMALS = re.compile(r"-?7\.98123\d|112\.63098\d|-7\.981234|112\.630987")


def _photo():
    return clean_image(image_bytes(), max_bytes=5_000_000)


def _bring(complaint, status, city, mira, adi, survivor):
    if status == Status.BARU:
        return
    if status == Status.DITOLAK:
        lifecycle.reject(complaint, mira, reason=city["spam"], note=INTERNAL["reject"])
        return
    if status == Status.DIGABUNG:
        lifecycle.merge(complaint, mira, into=survivor, note=INTERNAL["merge"])
        return
    lifecycle.verify(complaint, mira, note=INTERNAL["verify"])
    if status == Status.TERVERIFIKASI:
        return
    lifecycle.dispatch(complaint, mira, lead=city["dlh"], note=INTERNAL["dispatch"])
    lifecycle.return_dispatch(complaint, _agency_user(city, "dlh"), reason=INTERNAL["return"])
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], note=INTERNAL["dispatch"])
    lifecycle.record_note(complaint, adi, note=INTERNAL["note"])
    if status == Status.DIDISPOSISIKAN:
        return
    lifecycle.post_update(
        complaint,
        adi,
        note=f"Sudah kami hubungi Pak Tjahjono Wibisono di {AGENCY_PERSON_PHONE} untuk survei.",
        photos=[_photo()],
    )
    lifecycle.post_update(
        complaint, adi, note=INTERNAL["private_update"], public=False, photos=[_photo()]
    )
    if status == Status.DIPROSES:
        return
    lifecycle.request_info(complaint, adi, question="Di sebelah mana tepatnya lubangnya?")
    lifecycle.provide_info(
        complaint, text=f"Di depan warung, hubungi saya di {INFO_PHONE}", photos=[_photo()]
    )
    if status == Status.MENUNGGU_INFO:
        lifecycle.request_info(complaint, adi, question="Ada patokan lain?")
        return
    lifecycle.resolve(
        complaint,
        adi,
        answer=f"Lubang sudah ditambal. Terima kasih Bapak {NAMES[complaint.privacy]}.",
        internal_note=INTERNAL["resolve"],
        photos=[_photo()],
    )
    lifecycle.dispute(complaint, reason=DISPUTE)
    lifecycle.acknowledge(complaint, adi)
    lifecycle.resolve(complaint, adi, answer="Sudah ditambal ulang dengan aspal.")
    if status == Status.DITUTUP:
        lifecycle.confirm(complaint)


_agency_users = {}


def _agency_user(city, key):
    from aduan.core.models import Role, User

    user = _agency_users.get(key)
    if user is None or not User.objects.filter(pk=user.pk).exists():
        user = User.objects.create_user(
            username=f"staf-{key}",
            password=PASSWORD,
            role=Role.ADMIN_OPD,
            agency=city[key],
        )
        _agency_users[key] = user
    return user


@pytest.fixture
def seeded(city, mira, adi, make_complaint):
    # Staff notifications go out by e-mail too: the leak tests read them.
    adi.email = "adi@dpupr.example.test"
    adi.save(update_fields=["email"])
    survivor = make_complaint(text="Jalan berlubang di depan pasar Kauman sudah lama sekali.")
    lifecycle.verify(survivor, mira)
    complaints = []
    for privacy in Privacy.values:
        for status in STATUSES:
            n = len(complaints) + 1
            complaint = make_complaint(
                text=TEXT.format(name=NAMES[privacy]),
                privacy=privacy,
                # An anonymous reporter often leaves the name empty and writes it anyway.
                reporter_name="" if privacy == Privacy.ANONIM else NAMES[privacy],
                reporter_phone="+62" + ANONYMOUS_PHONE[1:]
                if privacy == Privacy.ANONIM
                else "+6281234567890",
                reporter_email=EMAILS[0],
                address=ADDRESS.format(n=n),
                latitude=LATITUDE,
                longitude=LONGITUDE,
                photos=[_photo()],
            )
            Redaction.objects.create(
                complaint=complaint, text=REDACTED, reason="nama pihak ketiga", created_by=mira
            )
            _bring(complaint, status, city, mira, adi, survivor)
            complaint.refresh_from_db()
            assert complaint.status == status
            complaints.append(complaint)
    aggregation.run()
    return complaints


def _forbidden(complaints) -> list[str]:
    values = [name for full in NAMES.values() for name in (full, *full.split())]
    values += [PHONE, "081234567890", "+6281234567890", NIK]
    values += [*EMAILS, *EMAIL_LOCALS, REDACTED, AGENCY_PERSON_PHONE, INFO_PHONE]
    # The street address is public for listed ``publik`` complaints only (DESIGN.md).
    values += [
        c.address
        for c in complaints
        if c.privacy != Privacy.PUBLIK or c.code in _unlisted_codes(complaints)
    ]
    values += [*INTERNAL.values(), DISPUTE, "Tjahjono", "/media/"]
    values += [c.token for c in complaints]
    return values


def _unlisted_codes(complaints) -> list[str]:
    return [
        c.code
        for c in complaints
        if c.privacy == Privacy.RAHASIA
        or c.status in (Status.BARU, Status.DITOLAK, Status.DIGABUNG)
    ]


def _body(response) -> str:
    assert response.status_code in (200, 404), (response.status_code, response)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def _photo_ids(complaints):
    return list(
        Attachment.objects.filter(complaint__in=complaints).values_list("public_id", flat=True)
    )


# -- the public surfaces -------------------------------------------------------------


def _pages(client, complaints):
    for c in complaints:
        yield f"lacak {c.code}", _body(client.get(f"/lacak/{c.code}/"))
    yield "feed", _body(client.get("/publik/"))
    yield "feed search", _body(client.get("/publik/", {"q": "jalan berlubang"}))
    yield "map", _body(client.get("/publik/peta/"))
    yield "stats", _body(client.get("/publik/statistik/"))
    yield "open data", _body(client.get("/publik/data/"))
    yield "home", _body(client.get("/"))


def _downloads(client, complaints):
    yield "csv", _body(client.get("/publik/data/aduan.csv"))
    yield "json", _body(client.get("/publik/data/aduan.json"))


def _api(client, complaints):
    for c in complaints:
        yield f"api {c.code}", _body(client.get(f"/api/v1/complaints/{c.code}"))


def _open311(client, complaints):
    codes = ",".join(c.code for c in complaints)
    for fmt in ("json", "xml"):
        for c in complaints:
            yield (
                f"open311 {c.code}.{fmt}",
                _body(client.get(f"/open311/v2/requests/{c.code}.{fmt}")),
            )
        yield f"open311 list.{fmt}", _body(client.get(f"/open311/v2/requests.{fmt}"))
        yield (
            f"open311 many ids.{fmt}",
            _body(client.get(f"/open311/v2/requests.{fmt}", {"service_request_id": codes})),
        )


def _photos(client, complaints):
    for public_id in _photo_ids(complaints):
        response = client.get(f"/foto/{public_id}/")
        yield f"foto {public_id}", str(response.status_code)


def _chat(client, complaints, settings):
    settings.ADUAN_TELEGRAM_SECRET = "tg-secret-token"
    for n, c in enumerate(complaints):
        update = {
            "update_id": 700_000 + n,
            "message": {
                "message_id": n + 1,
                "from": {"id": 55501, "is_bot": False, "first_name": "Orang"},
                "chat": {"id": 55501, "first_name": "Orang", "type": "private"},
                "date": 1763691000,
                "text": f"CEK {c.code}",
            },
        }
        client.post(
            "/webhooks/telegram/",
            data=json.dumps(update),
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="tg-secret-token",
        )
    replies = OutboundMessage.objects.filter(channel="telegram", recipient="55501")
    assert replies.count() >= len(complaints)
    yield "chat replies", "\n".join(replies.values_list("body", flat=True))


SURFACES = {
    "pages": _pages,
    "downloads": _downloads,
    "api": _api,
    "open311": _open311,
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_public_surface_leaks_nothing(client, seeded, surface):
    forbidden = _forbidden(seeded)
    found = []
    for where, body in SURFACES[surface](client, seeded):
        found += [(where, value) for value in forbidden if value in body]
        found += [(where, m.group()) for m in SIX_DECIMALS.finditer(body)]
    assert found == []


@pytest.mark.parametrize("surface", ["feed", "open data csv", "open data json", "open311 lists"])
def test_lists_hold_no_unlisted_complaint(client, seeded, surface):
    reads = {
        "feed": lambda: _body(client.get("/publik/")),
        "open data csv": lambda: _body(client.get("/publik/data/aduan.csv")),
        "open data json": lambda: _body(client.get("/publik/data/aduan.json")),
        "open311 lists": lambda: (
            _body(
                client.get(
                    "/open311/v2/requests.json",
                    {"service_request_id": ",".join(c.code for c in seeded)},
                )
            )
            + _body(client.get("/open311/v2/requests.xml"))
        ),
    }
    body = reads[surface]()
    assert [code for code in _unlisted_codes(seeded) if code in body] == []
    # Listed ones are there: the test would pass trivially on an empty list otherwise.
    listed = [c for c in seeded if c.code not in _unlisted_codes(seeded)]
    if surface != "feed":  # the feed shows one page of twenty
        assert all(c.code in body for c in listed)


def test_chat_status_replies_leak_nothing(client, seeded, settings):
    forbidden = _forbidden(seeded)
    [(_where, body)] = list(_chat(client, seeded, settings))
    assert [v for v in forbidden if v in body] == []


def test_photos_only_of_listed_publik_complaints(client, seeded):
    served = {
        public_id
        for public_id in _photo_ids(seeded)
        if client.get(f"/foto/{public_id}/").status_code == 200
    }
    allowed = set()
    for a in Attachment.objects.filter(complaint__in=seeded).select_related("complaint", "event"):
        c = a.complaint
        listed_publik = c.privacy == Privacy.PUBLIK and c.code not in _unlisted_codes(seeded)
        internal = a.event_id is not None and not a.event.is_public
        if listed_publik and not internal:
            allowed.add(a.public_id)
    assert allowed and served == allowed
    # Stored names carry neither token nor code.
    for a in Attachment.objects.filter(complaint__in=seeded).select_related("complaint"):
        assert a.complaint.token not in a.file.name and a.complaint.code not in a.file.name


def test_unlisted_tracking_shows_status_only(client, seeded):
    for c in seeded:
        if c.code not in _unlisted_codes(seeded):
            continue
        body = _body(client.get(f"/lacak/{c.code}/"))
        assert c.get_status_display() in body
        for leak in (
            "Jalan berlubang",
            "Kauman",
            "DPUPRPKP",
            "Jalan rusak",
            "Pesan ini bukan aduan",
        ):
            assert leak not in body, (c.code, c.status, c.privacy, leak)
        data = json.loads(_body(client.get(f"/api/v1/complaints/{c.code}")))
        assert data["status"] == c.status
        assert not data.get("text") and not data.get("kelurahan") and not data.get("timeline")


# -- agency staff and the reporter ----------------------------------------------------------


def test_agency_staff_never_see_an_anonymous_reporter(client, seeded, adi):
    client.login(username="adi", password=PASSWORD)
    anonymous = [
        c
        for c in seeded
        if c.privacy == Privacy.ANONIM and Complaint.objects.for_agency(adi.agency).filter(pk=c.pk)
    ]
    assert anonymous
    # Lists, notifications and mails also carry the named reporters' complaints, which
    # agency staff may read: there, only the anonymous reporter must not appear.
    everywhere = [_body(client.get("/kantor/opd/")), _body(client.get("/kantor/notifikasi/"))]
    mails = OutboundMessage.objects.filter(recipient=adi.email)
    assert mails.exists()
    everywhere += [m.body + m.subject for m in mails]
    # On the anonymous complaints' own pages nothing personal may appear at all.
    pages = [_body(client.get(f"/kantor/aduan/{c.code}/")) for c in anonymous]
    assert all("Jalan berlubang" in page for page in pages)
    tokens = [c.token for c in seeded]
    anywhere = [NAME, *NAME.split(), ANONYMOUS_PHONE, "+62" + ANONYMOUS_PHONE[1:], *tokens]
    on_pages = [*anywhere, PHONE, NIK, *EMAIL_LOCALS]
    leaks = [(v, n) for n, body in enumerate(everywhere) for v in anywhere if v in body]
    leaks += [(v, f"page {n}") for n, body in enumerate(pages) for v in on_pages if v in body]
    assert leaks == []


def test_reporter_sees_their_complaint_in_full_but_no_internal_note(client, seeded):
    for c in seeded:
        body = _body(client.get(f"/k/{c.token}/"))
        assert NAMES[c.privacy] in body
        assert PHONE in body and c.address in body
        leaks = [v for v in INTERNAL.values() if v in body]
        assert leaks == [], (c.status, c.privacy, leaks)
        # Other reporters' tokens never appear.
        assert [o.code for o in seeded if o.pk != c.pk and o.token in body] == []


def test_every_internal_note_was_written(seeded):
    """The seed really contains what the leak tests look for (else they prove nothing)."""
    notes = "\n".join(Event.objects.values_list("note", flat=True))
    assert all(marker in notes for marker in INTERNAL.values())
    assert Redaction.objects.count() == len(seeded)
    assert Attachment.objects.filter(complaint__privacy=Privacy.RAHASIA).exists()
