"""Near-duplicates within a window and a distance; mass events gathered into one case."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Event, OutboundMessage, Status
from aduan.office.tests.conftest import login
from aduan.triage import duplicates
from aduan.triage.models import DuplicateLink, MassEvent, MassEventMember, TriageSettings
from aduan.triage.textmatch import haversine_m, keys_of

BRIDGE = (
    "Jembatan kecil di Jl. Kalimosodo retak parah dan pagar pengamannya hilang, "
    "bahaya buat anak sekolah."
)
BRIDGE_AGAIN = (
    "Min, jembatan Kalimosodo sudah retak retak, pagar pengaman jembatannya hilang. "
    "Tolong diperbaiki sebelum ada korban."
)
LAMP = "Lampu penerangan jalan di gang Sawojajar mati total sejak minggu lalu, gelap sekali."
# Jl. Kawi, Malang, and points about 200 m and 3 km away.
HERE = (-7.9770, 112.6250)
NEAR = (-7.9788, 112.6250)
FAR = (-8.0040, 112.6250)


def linked(a, b) -> bool:
    return DuplicateLink.objects.filter(complaint=b, other=a).exists()


def test_keys_fold_informal_spelling():
    assert keys_of("Jln Kalimosodo rusakkk parah, pagarnya ilang!!") == [
        "kalimosodo",
        "rusak",
        "parah",
        "pagar",
        "ilang",
    ]


def test_haversine():
    assert haversine_m(*HERE, *NEAR) == pytest.approx(200, abs=5)
    assert haversine_m(*HERE, *FAR) == pytest.approx(3002, abs=20)


def test_the_same_problem_reworded_is_found(make_complaint):
    first = make_complaint(text=BRIDGE, latitude=HERE[0], longitude=HERE[1])
    make_complaint(text=LAMP)
    second = make_complaint(text=BRIDGE_AGAIN, latitude=NEAR[0], longitude=NEAR[1])
    link = DuplicateLink.objects.get(complaint=second)
    assert link.other == first
    assert link.similarity >= TriageSettings.load().duplicate_min_similarity
    assert link.distance_m == pytest.approx(200, abs=5)


def test_without_coordinates_the_text_decides(make_complaint):
    first = make_complaint(text=BRIDGE)
    second = make_complaint(text=BRIDGE_AGAIN, latitude=NEAR[0], longitude=NEAR[1])
    link = DuplicateLink.objects.get(complaint=second, other=first)
    assert link.distance_m is None


def test_the_same_text_three_km_away_is_another_problem(make_complaint):
    first = make_complaint(text=BRIDGE, latitude=HERE[0], longitude=HERE[1])
    second = make_complaint(text=BRIDGE, latitude=FAR[0], longitude=FAR[1])
    assert not linked(first, second)


def test_outside_the_window_is_not_a_duplicate(make_complaint):
    now = timezone.now()
    old = make_complaint(text=BRIDGE, at=now - timedelta(days=20))
    recent = make_complaint(text=BRIDGE_AGAIN, at=now - timedelta(days=3))
    new = make_complaint(text=BRIDGE)
    assert not linked(old, new) and not linked(old, recent)
    assert linked(recent, new)


def test_a_different_problem_is_not_a_duplicate(make_complaint):
    bridge = make_complaint(text=BRIDGE)
    lamp = make_complaint(text=LAMP)
    assert not linked(bridge, lamp)


def test_rejected_complaints_are_not_offered(make_complaint, mira, city):
    spam = make_complaint(text=BRIDGE)
    lifecycle.reject(spam, mira, reason=city["spam"])
    later = make_complaint(text=BRIDGE_AGAIN)
    assert not linked(spam, later)


def test_both_complaints_show_the_warning(make_complaint, mira):
    first = make_complaint(text=BRIDGE)
    second = make_complaint(text=BRIDGE_AGAIN)
    assert [d["complaint"] for d in duplicates.duplicates_of(first)] == [second]
    assert [d["complaint"] for d in duplicates.duplicates_of(second)] == [first]
    client = login(mira)
    page = client.get(reverse("office:complaint", args=[first.code])).content.decode()
    assert "Kemungkinan duplikat" in page and second.code in page
    queue = client.get(reverse("office:queue")).content.decode()
    assert "1 kemungkinan duplikat" in queue


def test_personal_data_and_spam_are_flagged_in_the_queue(make_complaint, mira):
    make_complaint(
        text="Saya Budi, NIK 3573010101900001, hp 081234567890. Sampah menumpuk di gang 5.",
        category=None,
    )
    make_complaint(
        text="PROMO SLOT GACOR bonus 100% daftar sekarang klik bit.ly/gacor88 dijamin maxwin",
        category=None,
    )
    queue = login(mira).get(reverse("office:queue")).content.decode()
    assert "NIK: akan disamarkan di situs publik" in queue
    assert "nomor telepon" in queue
    assert "Spam" in queue or "Mungkin spam" in queue


# -- mass events -----------------------------------------------------------------------------


@pytest.fixture
def flood(make_complaint):
    """Citizens forward the same message about a broken bridge within hours, each with a
    phone (social-media floods are mostly copies with a word or two changed)."""

    def make(n=6):
        texts = [BRIDGE, "Tolong! " + BRIDGE, BRIDGE + " Sudah seminggu."]
        return [
            make_complaint(
                text=texts[i % 3],
                reporter_phone=f"+62812000000{i:02d}",
                latitude=HERE[0],
                longitude=HERE[1],
            )
            for i in range(n)
        ]

    return make


def test_a_flood_becomes_one_mass_event(flood):
    complaints = flood(6)
    event = MassEvent.objects.get()
    members = set(
        MassEventMember.objects.filter(event=event).values_list("complaint_id", flat=True)
    )
    # The event starts at the fifth report (the setting's default) and then grows.
    assert members == {c.pk for c in complaints}


def test_loose_look_alikes_far_apart_make_no_mass_event(make_complaint, city):
    # Reworded reports are duplicate warnings, but below the mass-event similarity; and
    # their places (kelurahan in different kecamatan) are far apart.
    for i in range(6):
        make_complaint(
            text=(BRIDGE, BRIDGE_AGAIN)[i % 2] + f" ({i})",
            kelurahan=(city["kauman"], city["gadang"])[i % 2],
        )
    assert DuplicateLink.objects.exists()
    assert not MassEvent.objects.exclude(state=MassEvent.State.FORMING).exists()


def test_fewer_than_the_threshold_is_no_mass_event(flood):
    flood(4)
    # A cluster is forming (automatic dispatch holds it), but no case is open yet.
    assert MassEvent.objects.get().state == MassEvent.State.FORMING


def gather_url(event):
    return reverse("triage:gather", args=[event.pk])


def test_gathering_merges_and_every_reporter_gets_the_answer(flood, mira, adi, city):
    complaints = flood(6)
    survivor = complaints[0]
    event = MassEvent.objects.get()
    response = login(mira).post(gather_url(event), {"survivor": survivor.code})
    assert response.status_code == 302
    others = complaints[1:]
    for c in others:
        c.refresh_from_db()
        assert c.status == Status.DIGABUNG and c.merged_into == survivor
        assert Event.objects.filter(complaint=c, kind=Event.Kind.MERGED, actor=mira).exists()
    event.refresh_from_db()
    assert event.state == MassEvent.State.GATHERED and event.survivor == survivor
    # Each merged reporter was told where to follow it.
    for c in others:
        assert OutboundMessage.objects.filter(
            recipient=c.reporter_phone, body__contains=f"digabung dengan aduan {survivor.code}"
        ).exists()
    lifecycle.dispatch(survivor, mira, lead=city["dpupr"])
    lifecycle.resolve(survivor, adi, answer="Pagar jembatan sudah dipasang kembali.")
    for c in complaints:
        assert OutboundMessage.objects.filter(
            recipient=c.reporter_phone, body__contains="Pagar jembatan sudah dipasang kembali."
        ).exists(), c.reporter_phone


def test_the_complaint_page_offers_one_click_gathering(flood, mira):
    complaints = flood(5)
    page = login(mira).get(reverse("office:complaint", args=[complaints[2].code])).content.decode()
    event = MassEvent.objects.get()
    assert f"kejadian massal #{event.pk}: 5 aduan serupa" in page
    assert f'action="{gather_url(event)}"' in page
    assert f"Gabungkan 4 aduan lain ke {complaints[0].code}" in page
    detail = login(mira).get(reverse("triage:mass_event", args=[event.pk])).content.decode()
    assert all(c.code in detail for c in complaints)


def test_gathering_twice_says_there_is_nothing_left(flood, mira):
    complaints = flood(5)
    event = MassEvent.objects.get()
    client = login(mira)
    client.post(gather_url(event), {"survivor": complaints[0].code})
    again = client.post(gather_url(event), {"survivor": complaints[0].code}, follow=True)
    assert "Semua aduan kejadian ini sudah digabung." in again.content.decode()
    assert Event.objects.filter(kind=Event.Kind.MERGED).count() == 4


def test_late_reports_join_the_gathered_event(flood, make_complaint, mira):
    complaints = flood(5)
    event = MassEvent.objects.get()
    login(mira).post(gather_url(event), {"survivor": complaints[0].code})
    late = make_complaint(text=BRIDGE + " Lagi.", latitude=HERE[0], longitude=HERE[1])
    assert MassEventMember.objects.filter(event=event, complaint=late).exists()
    login(mira).post(gather_url(event), {"survivor": complaints[0].code})
    late.refresh_from_db()
    assert late.merged_into == complaints[0]


def test_gathering_permissions_and_method(flood, sekar, adi, dewi, mira):
    complaints = flood(5)
    event = MassEvent.objects.get()
    for user in (sekar, adi, dewi):
        response = login(user).post(gather_url(event), {"survivor": complaints[0].code})
        assert response.status_code == 403
    assert login(mira).get(gather_url(event)).status_code == 405
    assert not Event.objects.filter(kind=Event.Kind.MERGED).exists()


def test_the_survivor_must_belong_to_the_event(flood, make_complaint, mira):
    complaints = flood(5)
    stranger = make_complaint(text="Sampah menumpuk di TPS Sukun.")
    event = MassEvent.objects.get()
    response = login(mira).post(gather_url(event), {"survivor": stranger.code}, follow=True)
    assert "bukan bagian dari kejadian ini" in response.content.decode()
    complaints[1].refresh_from_db()
    assert complaints[1].status == Status.BARU
