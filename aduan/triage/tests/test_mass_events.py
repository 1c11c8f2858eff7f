"""Mass events, location first: a flood on one main road in thirty citizens' wordings is
one case; the same street on another topic, the same topic far away and the same place a
week later stay apart. Automatic dispatch holds a forming cluster; the moderator gathers
or dispatches a case in one action, and merges rows of the queue in bulk.

Every text here was written for these tests, in the informal Indonesian of complaints.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aduan.core.models import Event, Kecamatan, Kelurahan, Status
from aduan.office.tests.conftest import login
from aduan.triage import actions, mass, streets
from aduan.triage.models import (
    MassEvent,
    MassEventMember,
    PlaceKey,
    RoutingModelVersion,
    Street,
    StreetAlias,
    Suggestion,
    Target,
    TriageSettings,
)
from aduan.triage.streets import Gazetteer, distance, words

T0 = timezone.make_aware(datetime(2026, 1, 14, 16, 0))

# A flood on Jl. Soekarno-Hatta: official name, nickname, old spelling, typos, shouting.
FLOOD = [
    "Jl. Soekarno-Hatta banjir lagi, air sampai selutut depan minimarket.",
    "Suhat banjir parah min, motor banyak yang mogok",
    "jalan sukarno hatta tergenang air, tolong diperhatikan",
    "Soekarno Hatta depan kampus air meluap dari selokan, tidak bisa lewat",
    "min suhat tergenang, mobil kecil tidak berani lewat",
    "Banjir di Jln. Soekarno Hatta no 12, air masuk ke toko kami",
    "Sukarno Hata banjir, selokannya mampet",
    "air meluap di jl suhat dekat jembatan, tolong dicek",
    "JL. SOEKARNO-HATTA TERGENANG SETINGGI BETIS",
    "Soekarnohatta kebanjiran lagi tiap hujan deras",
    "Sokarno Hatta depan ruko air naik sampai trotoar",
    "jalan suhat banjir, got mampet gara2 sampah",
    "Genangan air di Suhat arah ke utara sangat tinggi",
    "tolong pak suhat sudah jadi sungai, banjir",
    "Luapan air selokan di Jalan Soekarno Hatta sampai ke tengah jalan",
    "Suhat depan politeknik tergenang 30 cm",
    "banjir bro di soekarno hatta, hati2 yang lewat",
    "Jl Soekarno Hatta No. 5 air meluap ke rumah warga",
    "Kawasan Suhat kebanjiran, drainase tidak berfungsi",
    "Jl. Sukarno-Hatta tergenang air setinggi lutut, kendaraan mogok",
    "Banjir di dekat rumah saya, air masuk rumah sejak sore",
    "Air meluap di sini, selokan buntu, sudah setinggi betis",
    "Soekarno Hatta Malang banjir lagi, kapan diperbaiki saluranya",
    "jln. soekarno hatta gang 3 tergenang, warga tidak bisa keluar",
    "Suhaat banjir, tolong pak",
    "SUHAT BANJIR!!! TOLONG",
    "Jalan Soekarno Hatta depan kantor pos tergenang, arus kendaraan tersendat",
    "Air naik di Soekarno-Hatta, selokan meluap",
    "sukarno hatta banjirr dari tadi",
    "Jl. Soekarno Hatta dekat kampus tergenang air hujan sejak sore",
]
# Points along the road (about 1.2 km from end to end); index -> (lat, lon).
PINS = {
    0: ("-7.940100", "112.622500"),
    3: ("-7.943500", "112.621800"),
    8: ("-7.936200", "112.625900"),
    15: ("-7.947000", "112.620900"),
    21: ("-7.941000", "112.622000"),
}
# Which kelurahan (if any) each report named: most filed by SMS or chat name none.
AREAS = {1: "mojolangu", 5: "jatimulyo", 12: "tulusrejo", 20: "mojolangu", 21: "jatimulyo"}

POTHOLES = [
    "Jalan Suhat berlubang besar depan ruko, bahaya buat motor",
    "Aspal Soekarno Hatta rusak parah, banyak lubang",
    "lubang besar di Jl. Soekarno-Hatta dekat lampu lalu lintas",
]
FAR_FLOOD = [
    ("Kol. Sugiono banjir lagi, air meluap dari sungai", None),
    ("Jl. Kolonel Sugiono tergenang air setinggi lutut", None),
    ("Banjir di dekat pasar, air masuk rumah warga", "mergosono"),
]


@pytest.fixture
def places(db):
    lowokwaru = Kecamatan.objects.create(code="t.05", name="Lowokwaru")
    kedungkandang = Kecamatan.objects.create(code="t.03", name="Kedungkandang")
    areas = {
        name: Kelurahan.objects.create(
            code=f"t.{kec.code}.{name}",
            name=name.title(),
            kecamatan=kec,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
        )
        for name, kec, lat, lon in [
            ("mojolangu", lowokwaru, "-7.936", "112.630"),
            ("jatimulyo", lowokwaru, "-7.940", "112.621"),
            ("tulusrejo", lowokwaru, "-7.946", "112.632"),
            ("mergosono", kedungkandang, "-7.997", "112.637"),
        ]
    }
    suhat = Street.objects.create(name="Jl. Soekarno-Hatta")
    suhat.kelurahan.set([areas["mojolangu"], areas["jatimulyo"], areas["tulusrejo"]])
    for alias in ("Suhat", "Sukarno Hatta"):
        StreetAlias.objects.create(street=suhat, name=alias)
    sugiono = Street.objects.create(name="Jl. Kolonel Sugiono")
    sugiono.kelurahan.set([areas["mergosono"]])
    StreetAlias.objects.create(street=sugiono, name="Kol. Sugiono")
    Street.objects.create(name="Jl. Ijen")
    streets.clear_cache()
    yield {"areas": areas, "suhat": suhat, "sugiono": sugiono}
    streets.clear_cache()


def file_flood(make_complaint, places, at=T0, count=30, start=0):
    filed = []
    for i, text in list(enumerate(FLOOD))[start:count]:
        lat, lon = PINS.get(i, (None, None))
        area = places["areas"].get(AREAS.get(i))
        filed.append(
            make_complaint(
                text=text,
                reporter_phone=f"+62813555{i:04d}",
                kelurahan=area,
                latitude=lat,
                longitude=lon,
                at=at + timedelta(minutes=2 * i),
            )
        )
    return filed


def event_members(event) -> set[int]:
    return set(MassEventMember.objects.filter(event=event).values_list("complaint_id", flat=True))


# -- street names --------------------------------------------------------------------------


def test_street_words_drop_prefixes_numbers_and_fold_old_spellings():
    assert words("Jl. Soekarno-Hatta No. 12 RT 03") == ["sukarno", "hatta"]
    assert words("JLN DJAKSA AGUNG SOEPRAPTO gg 3") == ["jaksa", "agung", "suprapto"]
    # Old "j" is "y" only inside a word that shows an old spelling.
    assert words("Soetojo") == ["sutoyo"]
    assert words("Jaksa Jalan Sutoyo") == ["jaksa", "sutoyo"]
    assert words("Kajoetangan") == ["kayutangan"]


def test_edit_distance_stops_at_its_limit():
    assert distance("sukarnohata", "sukarnohatta", 2) == 1
    assert distance("kawi", "kawe", 1) == 1
    assert distance("sukun", "sumbersari", 2) == 3


def test_gazetteer_finds_names_nicknames_and_typos_but_not_short_lookalikes():
    gazetteer = Gazetteer.build(
        [(1, "Jl. Soekarno-Hatta"), (1, "Suhat"), (2, "Jl. Kawi"), (3, "Jl. Bromo")]
    )
    assert gazetteer.find("banjir di sokarno hatta") == {1}
    assert gazetteer.find("SUKARNOHATTA tergenang") == {1}
    assert gazetteer.find("suhaat banjir") == {1}
    assert gazetteer.find("jalan kawi berlubang") == {2}
    # Short names match exactly only; the first letter is never a typo.
    assert gazetteer.find("kaw rusak") == set()
    assert gazetteer.find("romo datang") == set()
    assert gazetteer.find("lampu mati di gang sebelah") == set()


def test_streets_are_data_in_the_admin(places, admin_client):
    response = admin_client.get(reverse("admin:triage_street_changelist"))
    assert response.status_code == 200
    assert "Jl. Soekarno-Hatta" in response.content.decode()
    assert "Suhat" in response.content.decode()


# -- the flood and its controls --------------------------------------------------------------


def test_a_flood_in_thirty_wordings_is_one_mass_event_and_controls_stay_apart(
    make_complaint, places
):
    flood = file_flood(make_complaint, places, count=10)
    # Citizens report other things meanwhile: potholes on the same road, a flood far away.
    potholes = [
        make_complaint(text=text, at=T0 + timedelta(minutes=21 + i))
        for i, text in enumerate(POTHOLES)
    ]
    far = [
        make_complaint(
            text=text,
            kelurahan=places["areas"].get(area),
            at=T0 + timedelta(minutes=25 + i),
        )
        for i, (text, area) in enumerate(FAR_FLOOD)
    ]
    flood += file_flood(make_complaint, places, at=T0, start=10)
    week_later = make_complaint(text="Suhat banjir lagi, selokan meluap", at=T0 + timedelta(days=7))

    event = MassEvent.objects.get(members__complaint=flood[0])
    assert event.state == MassEvent.State.OPEN
    assert event_members(event) == {c.pk for c in flood}
    assert len(flood) == 30
    for control in [*potholes, *far, week_later]:
        assert mass.event_of(control) != event, control.text
    # The places were indexed: one street key for every report that names the road.
    named = set(
        PlaceKey.objects.filter(key=f"s:{places['suhat'].pk}").values_list(
            "complaint_id", flat=True
        )
    )
    assert len(named & {c.pk for c in flood}) == 28


def test_the_far_flood_is_its_own_cluster(make_complaint, places):
    far = [
        make_complaint(text=text, kelurahan=places["areas"].get(area), at=T0)
        for text, area in FAR_FLOOD
    ]
    events = {mass.event_of(c) for c in far}
    assert len(events) == 1 and None not in events
    assert events.pop().state == MassEvent.State.FORMING


def test_pins_far_apart_are_not_near_by_their_kelurahan(make_complaint, places):
    area = places["areas"]["jatimulyo"]
    a = make_complaint(
        text="Air meluap di sini", kelurahan=area, latitude="-7.9400", longitude="112.6210", at=T0
    )
    b = make_complaint(
        text="Banjir di sini juga", kelurahan=area, latitude="-7.9600", longitude="112.6210", at=T0
    )
    assert mass.event_of(a) is None and mass.event_of(b) is None
    c = make_complaint(
        text="Tergenang depan rumah", latitude="-7.9402", longitude="112.6212", at=T0
    )
    assert mass.event_of(c) == mass.event_of(a) is not None


# -- automatic dispatch holds a forming cluster ----------------------------------------------


@pytest.fixture
def version(db):
    return RoutingModelVersion.objects.create(
        target=Target.AGENCY,
        source="test",
        n_train=10,
        metrics={"thresholds": {"0.9": 0.8}},
        precision_target=0.97,
        threshold=0.9,
        blob=b"not a model: these tests never predict",
        is_active=True,
    )


def suggest(complaint, agency, version, confidence):
    Suggestion.objects.update_or_create(
        complaint=complaint,
        defaults={
            "agency": agency,
            "agency_label": agency.code,
            "agency_confidence": confidence,
            "agency_version": version,
            "auto_state": Suggestion.AutoState.PENDING,
        },
    )


def test_a_forming_cluster_holds_automatic_dispatch_until_it_stops_growing(
    make_complaint, places, city
):
    a, b = file_flood(make_complaint, places, count=2)
    settings = TriageSettings.load()
    event = mass.event_of(a)
    assert event.state == MassEvent.State.FORMING and mass.event_of(b) == event
    held = mass.hold(a, settings, now=T0 + timedelta(hours=1))
    assert held == (Suggestion.AutoState.PENDING, "mass event forming")
    # Quiet for longer than the hold: the two go on their own way.
    assert mass.hold(a, settings, now=T0 + timedelta(hours=7)) is None
    # Once the case is open, the moderators decide.
    file_flood(make_complaint, places, at=T0 + timedelta(minutes=5), count=5)
    event.refresh_from_db()
    assert event.state == MassEvent.State.OPEN
    assert mass.hold(a, settings, now=T0 + timedelta(hours=7)) == (
        Suggestion.AutoState.SKIPPED,
        "mass event",
    )


def test_the_worker_leaves_a_forming_cluster_pending_and_dispatches_the_rest(
    make_complaint, places, city, version
):
    TriageSettings.objects.update_or_create(pk=1, defaults={"auto_dispatch_enabled": True})
    now = timezone.now()
    a = make_complaint(text=FLOOD[1], at=now)
    b = make_complaint(text=FLOOD[4], at=now)
    lone = make_complaint(text="Lampu jalan mati di Jl. Ijen depan museum", at=now)
    for complaint in (a, b, lone):
        suggest(complaint, city["dpupr"], version, 0.99)
    counts = actions.auto_dispatch()
    assert counts.get("dispatched") == 1
    lone.refresh_from_db()
    assert lone.status == Status.DIDISPOSISIKAN
    for complaint in (a, b):
        complaint.refresh_from_db()
        assert complaint.status == Status.BARU
        row = Suggestion.objects.get(complaint=complaint)
        assert row.auto_state == Suggestion.AutoState.PENDING
        assert row.auto_note == "mass event forming"


# -- one case in the queue, gathered or dispatched in one action -----------------------------


@pytest.fixture
def case(make_complaint, places):
    flood = file_flood(make_complaint, places, at=timezone.now() - timedelta(hours=1), count=6)
    event = MassEvent.objects.get()
    assert event.state == MassEvent.State.OPEN
    return event, flood


def test_the_queue_shows_one_case_with_count_texts_and_pins(case, mira):
    event, flood = case
    page = login(mira).get(reverse("office:queue")).content.decode()
    assert f"Kejadian massal #{event.pk}: 6 aduan" in page
    assert "Suhat banjir parah min" in page
    assert "-7.940100, 112.622500" in page
    # Its complaints are not rows of their own any more.
    for complaint in flood:
        assert f'id="pilih-{complaint.code}"' not in page
    assert reverse("triage:dispatch_event", args=[event.pk]) in page


def test_the_case_page_lists_texts_streets_and_pins(case, mira):
    event, flood = case
    page = login(mira).get(reverse("triage:mass_event", args=[event.pk])).content.decode()
    assert "Jl. Soekarno-Hatta" in page
    assert "openstreetmap.org/?mlat=-7.940100" in page
    assert all(c.code in page for c in flood)


def test_gather_and_dispatch_in_one_action(case, mira, city):
    event, flood = case
    survivor = flood[0]
    response = login(mira).post(
        reverse("triage:dispatch_event", args=[event.pk]),
        {"survivor": survivor.code, "lead": city["dpupr"].pk},
    )
    assert response.status_code == 302
    survivor.refresh_from_db()
    assert survivor.status == Status.DIDISPOSISIKAN and survivor.lead_agency == city["dpupr"]
    for complaint in flood[1:]:
        complaint.refresh_from_db()
        assert complaint.status == Status.DIGABUNG and complaint.merged_into == survivor
    assert Event.objects.filter(complaint=survivor, kind=Event.Kind.DISPATCHED).count() == 1
    event.refresh_from_db()
    assert event.state == MassEvent.State.GATHERED
    # Twice: nothing is left to gather, and the survivor is dispatched already.
    again = login(mira).post(
        reverse("triage:dispatch_event", args=[event.pk]),
        {"survivor": survivor.code, "lead": city["dpupr"].pk},
        follow=True,
    )
    assert Event.objects.filter(complaint=survivor, kind=Event.Kind.DISPATCHED).count() == 1
    assert again.status_code == 200


def test_dispatching_a_case_needs_the_right_role_and_method(case, mira, adi, sekar, city):
    event, flood = case
    url = reverse("triage:dispatch_event", args=[event.pk])
    data = {"survivor": flood[0].code, "lead": city["dpupr"].pk}
    for user in (adi, sekar):
        assert login(user).post(url, data).status_code == 403
    assert login(mira).get(url).status_code == 405
    assert not Event.objects.filter(kind=Event.Kind.MERGED).exists()


def test_a_refused_dispatch_merges_nothing(case, mira, city):
    event, flood = case
    from aduan.core import lifecycle

    lifecycle.dispatch(flood[0], mira, lead=city["dlh"])
    login(mira).post(
        reverse("triage:dispatch_event", args=[event.pk]),
        {"survivor": flood[0].code, "lead": city["dpupr"].pk},
    )
    assert not Event.objects.filter(kind=Event.Kind.MERGED).exists()


# -- bulk merge from the queue -----------------------------------------------------------------


def test_bulk_merge_from_the_queue(make_complaint, mira):
    first = make_complaint(text="Pohon tumbang menutup jalan di depan sekolah")
    second = make_complaint(text="Ada pohon besar roboh di depan SD, jalan tertutup")
    third = make_complaint(text="Pohon roboh depan sekolah dasar")
    items = [f"{c.code}:{c.version}" for c in (third, first, second)]
    response = login(mira).post(reverse("triage:bulk_merge"), {"items": items})
    assert response.status_code == 302
    for complaint in (second, third):
        complaint.refresh_from_db()
        assert complaint.status == Status.DIGABUNG and complaint.merged_into == first
    first.refresh_from_db()
    assert first.status == Status.BARU
    # Twice: the merged ones are gone, nothing is left to merge.
    again = login(mira).post(reverse("triage:bulk_merge"), {"items": items}, follow=True)
    assert "Pilih minimal dua aduan" in again.content.decode()
    assert Event.objects.filter(kind=Event.Kind.MERGED).count() == 2


def test_bulk_merge_refuses_other_roles_and_get(make_complaint, adi, sekar, mira):
    a = make_complaint(text="Sampah menumpuk di TPS")
    b = make_complaint(text="TPS penuh sampah")
    items = [f"{c.code}:{c.version}" for c in (a, b)]
    for user in (adi, sekar):
        assert login(user).post(reverse("triage:bulk_merge"), {"items": items}).status_code == 403
    assert login(mira).get(reverse("triage:bulk_merge")).status_code == 405
    assert not Event.objects.filter(kind=Event.Kind.MERGED).exists()


def test_bulk_merge_with_a_stale_version_skips_that_one(make_complaint, mira):
    a = make_complaint(text="Sampah menumpuk di TPS")
    b = make_complaint(text="TPS penuh sampah")
    page = login(mira).post(
        reverse("triage:bulk_merge"),
        {"items": [f"{a.code}:{a.version}", f"{b.code}:{b.version + 5}"]},
        follow=True,
    )
    b.refresh_from_db()
    assert b.status == Status.BARU
    assert b.code in page.content.decode()


def test_the_queue_offers_bulk_merge(make_complaint, mira):
    make_complaint()
    page = login(mira).get(reverse("office:queue")).content.decode()
    assert f'formaction="{reverse("triage:bulk_merge")}"' in page


def test_a_forming_cluster_is_a_note_on_the_page_not_a_case(make_complaint, places, mira):
    a, b = file_flood(make_complaint, places, count=2)
    event = mass.event_of(a)
    page = login(mira).get(reverse("office:complaint", args=[a.code])).content.decode()
    assert "Berkelompok dengan aduan sejenis di sekitar (2 aduan)" in page
    assert reverse("triage:gather", args=[event.pk]) not in page
    queue = login(mira).get(reverse("office:queue")).content.decode()
    # Both stay rows of their own until the cluster opens as a case.
    assert f'id="pilih-{a.code}"' in queue and f'id="pilih-{b.code}"' in queue
    assert "Kejadian massal:" not in queue
