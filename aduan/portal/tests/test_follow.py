"""Following a complaint or a kelurahan by e-mail: /ikuti/ (double opt-in), the confirm
link, the one-click unsubscribe, and what followers are sent."""

import re

import pytest

from aduan.core import lifecycle
from aduan.core.models import OutboundMessage, Privacy, Status
from aduan.portal.models import Follow
from aduan.reports import aggregation

EMAIL = "tetangga@contoh.id"


def mails(to=EMAIL):
    return list(OutboundMessage.objects.filter(recipient=to).order_by("id"))


def link(message, pattern):
    return re.search(rf"https?://[^/\s]+({pattern}[^\s]*/)", message.body).group(1)


def subscribe(client, **target):
    response = client.post("/ikuti/", {"email": EMAIL, **target})
    assert response.status_code == 200
    assert "Periksa e-mail Anda" in response.content.decode()
    [mail] = mails()
    confirm = link(mail, "/ikuti/konfirmasi/")
    assert client.get(confirm).status_code == 200  # a mail scanner's GET confirms nothing
    assert Follow.objects.get().confirmed_at is None
    client.post(confirm)
    assert Follow.objects.get().confirmed_at is not None
    OutboundMessage.objects.all().delete()
    return Follow.objects.get()


def test_follow_a_complaint_then_hear_of_its_public_events(client, complaint_in, adi):
    complaint = complaint_in(Status.DIDISPOSISIKAN)
    subscribe(client, aduan=complaint.code)

    lifecycle.post_update(complaint, adi, note="Tim menambal besok pagi. Hub 081298765432.")
    [mail] = mails()
    assert complaint.code in mail.subject
    assert "Tim menambal besok pagi." in mail.body
    assert "081298765432" not in mail.body  # masked, as on the public page
    assert "Budi" not in mail.body and complaint.token not in mail.body
    assert f"/lacak/{complaint.code}/" in mail.body
    assert "/ikuti/berhenti/" in mail.body

    OutboundMessage.objects.all().delete()
    lifecycle.record_note(complaint, adi, note="Catatan internal saja.")
    assert mails() == []


def test_unconfirmed_follows_get_nothing(client, complaint_in, adi):
    complaint = complaint_in(Status.DIDISPOSISIKAN)
    client.post("/ikuti/", {"email": EMAIL, "aduan": complaint.code})
    OutboundMessage.objects.all().delete()
    lifecycle.post_update(complaint, adi, note="Perkembangan.")
    assert mails() == []


def test_one_click_unsubscribe(client, complaint_in, adi):
    complaint = complaint_in(Status.DIDISPOSISIKAN)
    subscribe(client, aduan=complaint.code)
    lifecycle.post_update(complaint, adi, note="Perkembangan.")
    unsubscribe = link(mails()[0], "/ikuti/berhenti/")
    assert client.get(unsubscribe).status_code == 200
    assert Follow.objects.exists()
    # RFC 8058: a POST to the link itself, no form token needed.
    from django.test import Client

    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    assert not Follow.objects.exists()
    OutboundMessage.objects.all().delete()
    lifecycle.post_update(complaint, adi, note="Perkembangan lagi.")
    assert mails() == []


def test_a_forged_unsubscribe_link_does_nothing(client, complaint_in):
    follow = subscribe(client, aduan=complaint_in(Status.DIPROSES).code)
    assert client.post(f"/ikuti/berhenti/{follow.pk}/").status_code == 200
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_follow_a_kelurahan_hears_of_new_public_complaints_only(client, city, make_complaint, mira):
    subscribe(client, kelurahan=city["kauman"].pk)

    public = make_complaint()
    assert mails() == []  # not yet verified: not public
    lifecycle.verify(public, mira)
    [mail] = mails()
    assert public.code in mail.body and "Kauman" in mail.subject
    assert "Budi" not in mail.body

    OutboundMessage.objects.all().delete()
    secret = make_complaint(privacy=Privacy.RAHASIA)
    lifecycle.verify(secret, mira)
    lifecycle.dispatch(secret, mira, lead=city["dpupr"])
    assert mails() == []

    elsewhere = make_complaint(kelurahan=city["oro"])
    lifecycle.verify(elsewhere, mira)
    assert mails() == []


def test_no_follow_mail_for_a_complaint_made_rahasia(client, complaint_in, adi, mira):
    complaint = complaint_in(Status.DIDISPOSISIKAN)
    subscribe(client, aduan=complaint.code)
    type(complaint).objects.filter(pk=complaint.pk).update(privacy=Privacy.RAHASIA)
    complaint.refresh_from_db()
    lifecycle.post_update(complaint, adi, note="Perkembangan.")
    assert mails() == []


@pytest.mark.parametrize("status", [Status.BARU, Status.DITOLAK])
def test_unlisted_complaints_cannot_be_followed_and_the_answer_is_the_same(
    client, complaint_in, status
):
    complaint = complaint_in(status)
    response = client.post("/ikuti/", {"email": EMAIL, "aduan": complaint.code})
    assert response.status_code == 200
    assert "Periksa e-mail Anda" in response.content.decode()
    assert not Follow.objects.exists() and mails() == []


def test_rahasia_cannot_be_followed(client, complaint_in):
    complaint = complaint_in(Status.DIPROSES, privacy=Privacy.RAHASIA)
    client.post("/ikuti/", {"email": EMAIL, "aduan": complaint.code})
    assert not Follow.objects.exists()


def test_confirm_mails_are_limited_per_address(client, city):
    for _ in range(5):
        client.post("/ikuti/", {"email": EMAIL, "kelurahan": city["kauman"].pk})
    assert len(mails()) == 3


def test_the_public_page_offers_to_follow(client, complaint_in):
    complaint = complaint_in(Status.DIPROSES)
    html = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert 'id="ikuti"' in html and f'value="{complaint.code}"' in html
    private = client.get(f"/k/{complaint.token}/").content.decode()
    assert 'id="ikuti"' not in private


def test_bad_email_is_a_form_error(client, city):
    response = client.post("/ikuti/", {"email": "bukan", "kelurahan": city["kauman"].pk})
    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_the_public_page_links_to_following_its_kelurahan(client, complaint_in):
    complaint = complaint_in(Status.DIPROSES)
    html = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert f'href="/ikuti/?kelurahan={complaint.kelurahan_id}"' in html
    form = client.get(f"/ikuti/?kelurahan={complaint.kelurahan_id}").content.decode()
    assert re.search(rf'<option value="{complaint.kelurahan_id}"[^>]* selected', form)


def test_a_bad_kelurahan_in_the_link_is_just_not_chosen(client, city):
    response = client.get("/ikuti/?kelurahan=bukan")
    assert response.status_code == 200
    assert " selected>" not in response.content.decode().split('name="kelurahan"')[1][:200]


def test_the_feed_links_to_following(client, complaint_in):
    complaint = complaint_in(Status.DIPROSES)
    aggregation.run()
    html = client.get("/publik/").content.decode()
    assert 'href="/ikuti/"' in html
    assert f'href="/lacak/{complaint.code}/#ikuti"' in html
