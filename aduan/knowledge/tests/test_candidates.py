"""Candidate articles: the same question answered again and again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Kind, Privacy
from aduan.knowledge.models import Article, Topic

PAGE = "/kantor/pengetahuan/calon/"
QUESTIONS = [
    "Bagaimana cara bayar tagihan air PDAM secara online?",
    "Cara bayar tagihan PDAM online bagaimana ya?",
    "Mau tanya cara bayar tagihan air PDAM lewat online",
    "bagaimana cara bayar tagihan pdam secara online min",
    "Tolong info cara bayar tagihan air PDAM online",
    "Cara bayar tagihan air PDAM online apa bisa?",
]
ANSWER = (
    "Bapak Budi Santoso, tagihan air dapat dibayar lewat aplikasi bank, minimarket "
    "dan kantor pos dengan nomor sambungan pelanggan."
)


# Other questions the city answered: the vocabulary is fitted on all of them.
BACKGROUND = [
    ("waste", "Kapan jadwal pengangkutan sampah di Kauman?"),
    ("waste", "Di mana tempat membuang sampah elektronik?"),
    ("waste", "Bagaimana cara mengurus izin tebang pohon?"),
    ("roads", "Apakah jalan Ijen ditutup saat car free day?"),
    ("roads", "Kapan perbaikan jalan Sukun selesai?"),
]


@pytest.fixture
def answered(make_complaint, mira, city):
    for category, text in BACKGROUND:
        c = make_complaint(kind=Kind.INFORMASI, text=text, category=city[category])
        lifecycle.answer_directly(c, mira, answer="Sudah kami jawab.")

    def make(texts, **overrides):
        made = []
        for text in texts:
            c = make_complaint(kind=Kind.INFORMASI, text=text, category=city["water"], **overrides)
            lifecycle.answer_directly(c, mira, answer=ANSWER)
            made.append(c)
        return made

    return make


def test_a_question_answered_five_times_is_a_candidate(client, mira, answered):
    answered(QUESTIONS)
    client.force_login(mira)
    page = client.get(PAGE).content.decode()
    assert "Air PDAM" in page
    assert "6 pertanyaan serupa" in page
    assert "tagihan air dapat dibayar lewat aplikasi bank" in page
    # Public text only: the reporter named in the answer is masked.
    assert "Budi Santoso" not in page
    assert "/kantor/pengetahuan/baru/?dari=" in page


def test_four_are_not_enough(client, mira, answered):
    answered(QUESTIONS[:4])
    client.force_login(mira)
    assert "Belum ada calon artikel." in client.get(PAGE).content.decode()


def test_unrelated_questions_do_not_cluster(client, mira, answered):
    answered(
        [
            "Kapan jadwal pemadaman air di Sukun?",
            "Berapa tarif air untuk rumah tangga?",
            "Bagaimana cara pasang meteran baru?",
            "Apakah ada diskon tagihan untuk lansia?",
            "Di mana kantor cabang PDAM terdekat?",
        ]
    )
    client.force_login(mira)
    assert "Belum ada calon artikel." in client.get(PAGE).content.decode()


def test_old_answers_do_not_count(client, mira, answered):
    for c in answered(QUESTIONS):
        type(c).objects.filter(pk=c.pk).update(answered_at=timezone.now() - timedelta(days=100))
    client.force_login(mira)
    assert "Belum ada calon artikel." in client.get(PAGE).content.decode()


def test_a_question_that_has_an_article_is_no_candidate(client, mira, answered, city):
    answered(QUESTIONS)
    Article.objects.create(
        agency=city["pdam"],
        topic=Topic.FEES,
        title="Cara bayar tagihan air PDAM online",
        questions="Bagaimana cara bayar tagihan air PDAM secara online?",
        answer="Lewat aplikasi bank.",
        review_by=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(mira)
    assert "Belum ada calon artikel." in client.get(PAGE).content.decode()


def test_agency_staff_see_their_own_categories_only(client, adi, dewi, answered, city):
    answered(QUESTIONS)
    client.force_login(adi)
    assert "Belum ada calon artikel." in client.get(PAGE).content.decode()


def test_one_click_starts_an_article_from_public_text(client, mira, answered):
    made = answered(QUESTIONS)
    client.force_login(mira)
    page = client.get(f"/kantor/pengetahuan/baru/?dari={made[0].code}").content.decode()
    assert "tagihan air dapat dibayar lewat aplikasi bank" in page
    assert "Budi Santoso" not in page
    assert QUESTIONS[0] in page


def test_a_secret_question_prefills_nothing(client, mira, answered):
    made = answered(QUESTIONS[:1], privacy=Privacy.RAHASIA)
    client.force_login(mira)
    page = client.get(f"/kantor/pengetahuan/baru/?dari={made[0].code}").content.decode()
    assert "tagihan air dapat dibayar" not in page


def test_another_agencys_question_prefills_nothing(client, dewi, answered):
    made = answered(QUESTIONS[:1])
    client.force_login(dewi)
    page = client.get(f"/kantor/pengetahuan/baru/?dari={made[0].code}").content.decode()
    assert "tagihan air dapat dibayar" not in page


def test_leaders_read_candidates_without_the_start_button(client, sekar, answered):
    answered(QUESTIONS)
    client.force_login(sekar)
    page = client.get(PAGE).content.decode()
    assert "6 pertanyaan serupa" in page
    assert "?dari=" not in page
