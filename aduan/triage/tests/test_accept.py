"""Accepting a suggestion in one click: POST /kantor/triase/aduan/<code>/terima/."""

from django.urls import reverse

from aduan.core.models import Event, Status
from aduan.office.tests.conftest import login

from .conftest import WASTE


def url(complaint):
    return reverse("triage:accept", args=[complaint.code])


def test_accept_dispatches_to_the_suggested_agency(models, make_complaint, mira, city):
    city["waste"].supporting_agencies.add(city["kominfo"])
    complaint = make_complaint(text=WASTE, category=city["roads"])
    client = login(mira)
    response = client.post(url(complaint), {"version": complaint.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("office:complaint", args=[complaint.code])
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert complaint.lead_agency == city["dlh"]
    assert list(complaint.supporting_agencies.all()) == [city["kominfo"]]
    # The category was corrected to the suggested one first, logged with before and after.
    assert complaint.category == city["waste"]
    corrected = Event.objects.get(complaint=complaint, kind=Event.Kind.CORRECTED)
    assert corrected.data["changes"]["category"] == ["jalan-rusak", "sampah"]
    assert corrected.actor == mira
    dispatched = Event.objects.get(complaint=complaint, kind=Event.Kind.DISPATCHED)
    assert dispatched.actor == mira
    assert dispatched.data["lead"] == "dlh" and dispatched.data["automatic"] is False
    assert dispatched.data["triage"]["accepted"] is True
    assert dispatched.data["triage"]["model_version"] == models["agency"].pk


def test_accept_returns_to_the_page_it_came_from(models, make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    response = login(mira).post(
        url(complaint) + "?next=/kantor/antrean/%3Fq%3Dsampah", {"version": complaint.version}
    )
    assert response.status_code == 302 and response["Location"] == "/kantor/antrean/?q=sampah"


def test_accept_twice_says_it_is_already_dispatched(models, make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    client = login(mira)
    version = complaint.version
    assert client.post(url(complaint), {"version": version}).status_code == 302
    again = client.post(url(complaint), {"version": version})
    assert again.status_code == 409
    assert f"Aduan {complaint.code} sudah didisposisikan ke DLH." in again.content.decode()
    assert Event.objects.filter(complaint=complaint, kind=Event.Kind.DISPATCHED).count() == 1


def test_accept_with_a_stale_version_changes_nothing(models, make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    response = login(mira).post(url(complaint), {"version": complaint.version + 5})
    assert response.status_code == 409
    assert "baru saja diubah" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU and complaint.category is None


def test_accept_without_a_suggestion_is_refused(make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    response = login(mira).post(url(complaint), {"version": complaint.version})
    assert response.status_code == 409
    assert "Belum ada saran OPD" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_accept_needs_post(models, make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    assert login(mira).get(url(complaint)).status_code == 405


def test_a_read_only_role_may_not_accept(models, make_complaint, sekar):
    complaint = make_complaint(text=WASTE, category=None)
    response = login(sekar).post(url(complaint), {"version": complaint.version})
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_agency_staff_cannot_see_the_queue_complaint(models, make_complaint, dewi, adi):
    complaint = make_complaint(text=WASTE, category=None)
    for user in (dewi, adi):
        assert login(user).post(url(complaint), {"version": 1}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_the_queue_shows_the_suggestion_with_a_one_click_accept(models, make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    page = login(mira).get(reverse("office:queue")).content.decode()
    assert "Saran" in page and "<strong>DLH</strong>" in page
    # Inside the bulk form the button borrows it: formaction, the version as its value.
    assert f'formaction="{url(complaint)}?next=' in page
    assert f'name="version" value="{complaint.version}"' in page
    assert "karena" in page


def test_the_complaint_page_offers_the_accept_form(models, make_complaint, mira):
    complaint = make_complaint(text=WASTE, category=None)
    page = login(mira).get(reverse("office:complaint", args=[complaint.code])).content.decode()
    assert f'action="{url(complaint)}"' in page
    assert "Terima saran: disposisi ke DLH" in page
    assert "Kategori akan dikoreksi menjadi “Sampah”" in page


def test_agency_staff_see_no_triage_on_their_page(models, complaint_in, adi):
    complaint = complaint_in(Status.DIDISPOSISIKAN, text=WASTE)
    page = login(adi).get(reverse("office:complaint", args=[complaint.code])).content.decode()
    assert 'id="triase"' not in page
