"""The staff pages: /kantor/pengetahuan/ (agencies write their own, moderators all,
leaders read)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core.models import Role, User
from aduan.knowledge.models import Article, Topic

LIST = "/kantor/pengetahuan/"
NEW = "/kantor/pengetahuan/baru/"


def data(agency, **overrides):
    values = {
        "agency": agency.pk,
        "topic": Topic.HOURS,
        "title": "Jam layanan UPT Alat Berat",
        "questions": "Jam berapa UPT buka?\nApakah buka Sabtu?",
        "answer": "Senin sampai Jumat pukul 08.00–15.00.",
        "review_by": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "is_published": "on",
    }
    values.update(overrides)
    return values


@pytest.fixture
def dlh_article(city, dewi):
    return Article.objects.create(
        agency=city["dlh"],
        topic=Topic.PROCEDURE,
        title="Jadwal angkut sampah",
        answer="Sampah diangkut setiap pagi.",
        review_by=timezone.localdate() + timedelta(days=30),
        author=dewi,
    )


def test_agency_staff_write_for_their_own_agency(client, adi, city):
    client.force_login(adi)
    # A posted agency other than their own is ignored: the field is fixed.
    response = client.post(NEW, data(city["dlh"]))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.agency == city["dpupr"]
    assert article.author == adi
    assert article.updated_by == adi


def test_agency_staff_see_only_their_agency(client, adi, dlh_article):
    client.force_login(adi)
    assert dlh_article.title not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{dlh_article.pk}/").status_code == 404
    assert client.post(f"{LIST}{dlh_article.pk}/", data(dlh_article.agency)).status_code == 404
    dlh_article.refresh_from_db()
    assert dlh_article.title == "Jadwal angkut sampah"


def test_the_agency_head_edits_too(client, kurnia, city):
    client.force_login(kurnia)
    assert client.post(NEW, data(city["dpupr"])).status_code == 302


def test_moderators_edit_every_agency(client, mira, dlh_article):
    client.force_login(mira)
    assert dlh_article.title in client.get(LIST).content.decode()
    response = client.post(
        f"{LIST}{dlh_article.pk}/", data(dlh_article.agency, title="Jadwal angkut sampah rumah")
    )
    assert response.status_code == 302
    dlh_article.refresh_from_db()
    assert dlh_article.title == "Jadwal angkut sampah rumah"
    assert dlh_article.updated_by == mira
    assert dlh_article.author.username == "dewi"


def test_leaders_read_but_do_not_write(client, sekar, dlh_article, city):
    client.force_login(sekar)
    page = client.get(LIST)
    assert page.status_code == 200
    assert dlh_article.title in page.content.decode()
    assert "Artikel baru" not in page.content.decode()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, data(city["dlh"])).status_code == 403
    assert client.post(f"{LIST}{dlh_article.pk}/", data(city["dlh"])).status_code == 403
    assert Article.objects.count() == 1


def test_the_public_and_role_less_accounts_are_kept_out(client, city):
    assert client.get(LIST)["Location"].startswith("/kantor/masuk/")
    citizen = User.objects.create_user("warga", password="x" * 12, role="")
    client.force_login(citizen)
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403


def test_a_review_date_in_the_past_is_refused(client, adi, city):
    client.force_login(adi)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(NEW, data(city["dpupr"], review_by=past))
    assert response.status_code == 400
    assert "tidak boleh sudah lewat" in response.content.decode()
    assert not Article.objects.exists()


def test_an_overdue_article_is_flagged_to_its_agency(client, dewi, dlh_article):
    Article.objects.filter(pk=dlh_article.pk).update(
        review_by=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(dewi)
    page = client.get(LIST).content.decode()
    assert "1 artikel perlu ditinjau." in page
    assert "Perlu ditinjau" in page


def test_a_wrong_method_is_refused(client, mira):
    client.force_login(mira)
    assert client.post(LIST).status_code == 405


def test_inspectors_read_all(client, city, dlh_article):
    inspector = User.objects.create_user("ina", password="x" * 12, role=Role.INSPEKTORAT)
    client.force_login(inspector)
    assert dlh_article.title in client.get(LIST).content.decode()
    assert client.get(NEW).status_code == 403
