"""The filing form's suggestion box (/pengetahuan/saran/) and the "Ya, terjawab" counter."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from aduan.knowledge.models import Article

DUKCAPIL_QUESTION = "jam buka dukcapil hari sabtu?"
UNRELATED = "jalan berlubang di depan pasar"


def test_the_dukcapil_hours_article_answers_the_question(client, hours):
    response = client.post("/pengetahuan/saran/", {"text": DUKCAPIL_QUESTION})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Apakah ini menjawab pertanyaan Anda?" in page
    assert "Sabtu, Minggu dan hari libur nasional kantor tutup" in page
    assert f"/pengetahuan/{hours.pk}/terjawab/" in page
    hours.refresh_from_db()
    assert hours.shown_count == 1


def test_the_query_string_works_too(client, hours):
    page = client.get("/pengetahuan/saran/", {"q": "Dukcapil buka jam brp?"}).content.decode()
    assert hours.title in page


def test_an_unrelated_complaint_gets_nothing(client, articles):
    response = client.post("/pengetahuan/saran/", {"text": UNRELATED})
    assert response.status_code == 200
    assert "Apakah ini menjawab" not in response.content.decode()
    assert sum(a.shown_count for a in Article.objects.all()) == 0


def test_too_short_a_text_gets_nothing(client, hours):
    assert "Apakah ini" not in client.post("/pengetahuan/saran/", {"text": "jam"}).content.decode()


def test_an_article_is_counted_as_shown_once_per_page(client, hours):
    first = client.post("/pengetahuan/saran/", {"text": DUKCAPIL_QUESTION}).content.decode()
    assert f'name="kb_seen" id="kb-seen" value="{hours.pk}"' in first
    client.post("/pengetahuan/saran/", {"text": DUKCAPIL_QUESTION + " ya", "kb_seen": hours.pk})
    hours.refresh_from_db()
    assert hours.shown_count == 1


def test_an_article_past_its_review_date_is_not_suggested(client, hours):
    Article.objects.filter(pk=hours.pk).update(review_by=timezone.localdate() - timedelta(days=1))
    page = client.post("/pengetahuan/saran/", {"text": DUKCAPIL_QUESTION}).content.decode()
    assert hours.title not in page


def test_an_unpublished_article_is_not_suggested(client, hours):
    hours.is_published = False
    hours.save()
    page = client.post("/pengetahuan/saran/", {"text": DUKCAPIL_QUESTION}).content.decode()
    assert hours.title not in page


def test_helped_counts_on_post(client, hours):
    response = client.post(f"/pengetahuan/{hours.pk}/terjawab/")
    assert response.status_code == 302
    assert response["Location"] == f"/pengetahuan/{hours.pk}/"
    hours.refresh_from_db()
    assert hours.helped_count == 1
    assert "Terima kasih" in client.get(response["Location"]).content.decode()


def test_helped_through_htmx_answers_with_the_partial(client, hours):
    response = client.post(f"/pengetahuan/{hours.pk}/terjawab/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "tidak perlu mengirim aduan" in response.content.decode()


def test_helped_refuses_get_and_counts_nothing(client, hours):
    assert client.get(f"/pengetahuan/{hours.pk}/terjawab/").status_code == 405
    hours.refresh_from_db()
    assert hours.helped_count == 0


def test_helped_needs_the_csrf_token(hours):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/pengetahuan/{hours.pk}/terjawab/").status_code == 403
    strict.get("/aduan/baru/")
    token = strict.cookies["csrftoken"].value
    response = strict.post(f"/pengetahuan/{hours.pk}/terjawab/", headers={"X-CSRFToken": token})
    assert response.status_code == 302
    hours.refresh_from_db()
    assert hours.helped_count == 1


def test_helped_for_an_unpublished_article_is_404(client, hours):
    Article.objects.filter(pk=hours.pk).update(is_published=False)
    assert client.post(f"/pengetahuan/{hours.pk}/terjawab/").status_code == 404
