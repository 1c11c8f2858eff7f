"""Switching the interface language: POST /i18n/setlang/ (Django's set_language)."""

import gettext
import re
from html import unescape

from django.conf import settings

from conftest import PASSWORD

ENGLISH_CATALOGUE = settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.mo"


def switch(client, language, next_url="/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def page(client, url, **kwargs):
    """The page's HTML with entities decoded, so apostrophes compare as typed."""
    return unescape(client.get(url, **kwargs).content.decode())


def test_default_is_indonesian(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="id">' in html
    assert '<button name="language" value="en" type="submit" lang="en">English</button>' in html


def test_switch_to_english_is_remembered(client, db):
    response = switch(client, "en", "/lacak/")
    assert response.status_code == 302
    assert response["Location"] == "/lacak/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    # The switch now offers the way back, labelled in its own language.
    assert 'value="id" type="submit" lang="id">Bahasa Indonesia</button>' in html


def test_english_interface_text(client, db):
    switch(client, "en")
    html = page(client, "/")
    # The city's own name is data (core.City); a fresh install names no city.
    assert "Sampaikan aduan Anda kepada" not in html
    assert "Buat aduan" not in html
    assert "Tell the local government about your complaint" in html
    assert "File a complaint" in html
    assert "Staff login" in html


def test_switch_back_to_indonesian(client, db):
    switch(client, "en")
    switch(client, "id")
    assert '<html lang="id">' in client.get("/").content.decode()


def test_unknown_language_changes_nothing(client, db):
    response = switch(client, "xx")
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="id">' in client.get("/").content.decode()


def test_next_cannot_send_the_citizen_elsewhere(client, db):
    response = switch(client, "en", "https://penipu.example/")
    assert response["Location"] == "/"


def test_get_does_not_switch(client, db):
    response = client.get("/i18n/setlang/", {"language": "en", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="id">' in client.get("/").content.decode()


def test_browser_preference_is_honoured(client, db):
    html = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="en">' in html


def test_complaint_form_in_english(client, city):
    switch(client, "en")
    html = page(client, "/aduan/baru/")
    assert "What would you like to tell us?" in html
    assert "Who may see this complaint?" in html
    # Each privacy choice explains who sees what, in English too.
    assert "Your name is not shown; phone numbers, NIK (ID numbers)" in html
    assert "neither the agency nor the public sees your name" in html
    assert "Only the staff handling it can read it." in html
    assert "Siapa yang boleh melihat aduan ini?" not in html


def test_complaint_form_errors_in_english(client, filing):
    switch(client, "en")
    response = client.post(
        "/aduan/baru/", filing(text="Jalan rusak", reporter_name="", reporter_phone="12")
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Please correct the following" in html
    assert "The complaint is too short: write at least 15 letters." in html
    assert "A name is required unless you choose an anonymous complaint." in html
    assert "Invalid mobile number." in html
    assert "Isi aduan terlalu pendek" not in html


def test_tracking_page_in_english(client, db):
    switch(client, "en")
    html = page(client, "/lacak/", data={"kode": "ADU-0000-0000"})
    assert "Track a complaint" in html
    assert "Complaint code not found. Please check how it is written." in html


def test_complaint_status_in_english(client, complaint_in):
    complaint = complaint_in("selesai")
    switch(client, "en")
    html = page(client, f"/lacak/{complaint.code}/")
    assert "Handled by" in html
    assert "Answered/resolved" in html
    assert "Dijawab/diselesaikan" not in html


def test_staff_login_in_english(client, db):
    switch(client, "en")
    html = page(client, "/kantor/masuk/")
    assert "<h1>Staff login</h1>" in html
    assert ">Log in</button>" in html
    assert "Masuk petugas" not in html


def test_moderator_queue_and_warning_board_in_english(client, mira, make_complaint):
    make_complaint()
    assert client.login(username=mira.username, password=PASSWORD)
    switch(client, "en")
    queue = page(client, "/kantor/antrean/")
    assert "<h1>Moderator queue</h1>" in queue
    assert "nearest deadline first" in queue
    assert "left" in queue  # the deadline badge: "23 hours left"
    assert "Antrean moderator" not in queue
    board = page(client, "/kantor/tenggat/peringatan/")
    assert "Warning board" in board
    assert "No complaints are past their deadline. Thank you." in board


def test_public_statistics_in_english(client, db):
    switch(client, "en")
    html = page(client, "/publik/statistik/")
    assert "Complaint statistics" in html
    assert "Complaints per month" in html
    assert "Statistik aduan" not in html


def test_indonesian_is_unchanged_without_a_choice(client, mira, make_complaint):
    make_complaint()
    assert "Sampaikan aduan Anda kepada pemerintah daerah" in page(client, "/")
    assert "Siapa yang boleh melihat aduan ini?" in page(client, "/aduan/baru/")
    assert "<h1>Masuk petugas</h1>" in page(client, "/kantor/masuk/")
    assert client.login(username=mira.username, password=PASSWORD)
    assert "<h1>Antrean moderator</h1>" in page(client, "/kantor/antrean/")


def test_compiled_catalogue_is_complete_and_current():
    """Every message in django.po is translated and compiled into django.mo.

    The deployed run command has no gettext tools, so a .po edited without
    rerunning compilemessages would silently show Indonesian.
    """
    po = ENGLISH_CATALOGUE.with_suffix(".po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    # An empty translation is msgstr "" not followed by a continuation line.
    empty = re.findall(r'^(msgstr(?:\[\d+\])? "")\n(?!")', po, re.M)
    assert empty == []
    msgids = len(re.findall(r"^msgid ", po, re.M)) - 1  # minus the header
    with ENGLISH_CATALOGUE.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    compiled = {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}
    assert len(compiled) == msgids
