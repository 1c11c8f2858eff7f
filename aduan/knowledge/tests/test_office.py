"""Answering from an article on the staff complaint page."""

import re

import pytest

from aduan.core.models import Kind, Status

QUESTION = "Permisi, kantor dukcapil buka jam berapa? Hari Sabtu buka tidak?"


@pytest.fixture
def question(complaint_in, hours):
    return complaint_in(Status.TERVERIFIKASI, kind=Kind.INFORMASI, text=QUESTION, category=None)


def answer_box(page: str) -> str:
    match = re.search(r'<textarea[^>]*id="jawab-answer"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no direct-answer form"
    return match.group(1).strip()


def use_url(article, complaint):
    return f"/kantor/pengetahuan/{article.pk}/pakai/{complaint.code}/"


def test_the_moderator_sees_matching_articles(client, mira, question, hours):
    client.force_login(mira)
    page = client.get(f"/kantor/aduan/{question.code}/").content.decode()
    assert "Artikel pengetahuan yang cocok" in page
    assert hours.title in page
    assert use_url(hours, question) in page


def test_one_click_fills_the_answer_and_counts(client, mira, question, hours):
    client.force_login(mira)
    response = client.post(use_url(hours, question))
    assert response.status_code == 302
    assert response["Location"] == (f"/kantor/aduan/{question.code}/?artikel={hours.pk}#aksi-jawab")
    hours.refresh_from_db()
    assert hours.used_count == 1
    page = client.get(response["Location"]).content.decode()
    # The direct-answer form opens with the article's answer in its text box.
    assert "Sabtu, Minggu dan hari libur nasional kantor tutup." in answer_box(page)
    assert 'id="aksi-jawab" open' in page


def test_using_is_post_only(client, mira, question, hours):
    client.force_login(mira)
    assert client.get(use_url(hours, question)).status_code == 405
    hours.refresh_from_db()
    assert hours.used_count == 0


def test_another_agency_cannot_use_it_on_a_complaint_not_theirs(client, dewi, question, hours):
    client.force_login(dewi)
    assert client.post(use_url(hours, question)).status_code == 404
    hours.refresh_from_db()
    assert hours.used_count == 0


def test_a_leader_reads_the_page_without_the_panel(client, sekar, question, hours):
    client.force_login(sekar)
    page = client.get(f"/kantor/aduan/{question.code}/").content.decode()
    assert "Artikel pengetahuan yang cocok" not in page
    assert client.post(use_url(hours, question)).status_code == 403


def test_an_unrelated_complaint_shows_no_panel(client, mira, complaint_in, hours):
    complaint = complaint_in(Status.TERVERIFIKASI)
    client.force_login(mira)
    page = client.get(f"/kantor/aduan/{complaint.code}/").content.decode()
    assert "Artikel pengetahuan yang cocok" not in page


def test_an_unknown_article_fills_nothing(client, mira, question):
    client.force_login(mira)
    page = client.get(f"/kantor/aduan/{question.code}/?artikel=99999").content.decode()
    assert answer_box(page) == ""
