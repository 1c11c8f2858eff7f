"""The public knowledge base: /pengetahuan/ and its articles."""

from datetime import timedelta

from django.utils import timezone

from aduan.knowledge.models import Article, Topic


def test_the_list_shows_every_published_article(client, articles):
    page = client.get("/pengetahuan/").content.decode()
    for title in articles:
        assert title in page


def test_search_finds_the_hours_for_an_informal_question(client, articles, hours):
    page = client.get("/pengetahuan/", {"q": "dukcapil buka jam brp"}).content.decode()
    assert hours.title in page
    assert "Pemasangan sambungan baru air PDAM" not in page


def test_search_without_a_match_says_so(client, articles):
    page = client.get("/pengetahuan/", {"q": "zzzz qqqq"}).content.decode()
    assert "Belum ada jawaban yang cocok" in page


def test_topic_and_agency_filters(client, articles, hours):
    page = client.get("/pengetahuan/", {"topic": Topic.FEES}).content.decode()
    assert "Pajak Bumi dan Bangunan" in page
    assert hours.title not in page
    page = client.get("/pengetahuan/", {"agency": hours.agency_id}).content.decode()
    assert hours.title in page
    assert "Pajak Bumi" not in page
    # Nonsense filters are ignored, not errors.
    assert client.get("/pengetahuan/", {"topic": "x", "agency": "y"}).status_code == 200


def test_an_overdue_article_stays_searchable_marked_for_review(client, hours):
    Article.objects.filter(pk=hours.pk).update(review_by=timezone.localdate() - timedelta(days=3))
    page = client.get("/pengetahuan/", {"q": "jam buka dukcapil"}).content.decode()
    assert hours.title in page
    assert "Perlu ditinjau" in page
    assert "Perlu ditinjau" in client.get(f"/pengetahuan/{hours.pk}/").content.decode()


def test_the_article_page(client, hours):
    page = client.get(f"/pengetahuan/{hours.pk}/").content.decode()
    assert hours.title in page
    assert "Sabtu, Minggu dan hari libur nasional kantor tutup" in page
    assert "Perlu ditinjau" not in page


def test_an_unpublished_article_is_not_found(client, hours):
    Article.objects.filter(pk=hours.pk).update(is_published=False)
    assert client.get(f"/pengetahuan/{hours.pk}/").status_code == 404
    assert hours.title not in client.get("/pengetahuan/").content.decode()


def test_the_portal_nav_links_the_knowledge_base(client, city):
    assert 'href="/pengetahuan/"' in client.get("/").content.decode()
