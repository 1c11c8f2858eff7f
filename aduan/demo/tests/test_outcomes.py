"""The demo resolves complaints with every outcome, in believable shares, so its
statistics show referrals and refusals apart from fixes (issue 16)."""

import random
import re
from collections import Counter

import pytest

from aduan.core.models import Complaint, Outcome
from aduan.demo import corpus, loader
from aduan.reports import aggregation


def test_outcome_shares_over_the_corpus():
    rng = random.Random(7)
    counts = Counter()
    for item in corpus.generate_complaints(1500, seed=3):
        outcome, note, answer = corpus.outcome_for(item, rng.random(), "DPUPRPKP")
        counts[outcome] += 1
        assert answer.startswith("Yth.")
        if outcome == Outcome.REFERRED:
            assert note in corpus.REFERRALS[item["category"]] and note in answer
        elif outcome == Outcome.CANNOT_ACT:
            assert note in corpus.CANNOT_ACT_REASONS and note in answer
        else:
            assert note == ""
    total = sum(counts.values())
    # Most complaints are fixed; referrals, explanations and refusals are a minority.
    assert counts[Outcome.FIXED] / total > 0.45
    assert 0.02 < counts[Outcome.REFERRED] / total < 0.15
    assert 0.02 < counts[Outcome.CANNOT_ACT] / total < 0.10
    assert 0.10 < counts[Outcome.ANSWERED] / total < 0.40


def test_questions_are_answered_not_fixed():
    rng = random.Random(1)
    for item in corpus.generate_complaints(300, seed=5):
        if item["kind"] == "informasi":
            assert corpus.outcome_for(item, rng.random(), "Dispendukcapil")[0] == Outcome.ANSWERED


@pytest.mark.django_db
def test_the_loaded_demo_has_every_outcome_and_the_statistics_show_them(client):
    loader.load_master_data()
    loader.load_complaints(n=300, seed=2611, days=120)
    counts = Counter(Complaint.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert set(counts) == set(Outcome.values), counts
    assert counts[Outcome.FIXED] > counts[Outcome.REFERRED] + counts[Outcome.CANNOT_ACT]
    planned = Complaint.objects.filter(outcome=Outcome.PLANNED)
    assert all(c.budget_year for c in planned)
    referred = Complaint.objects.filter(outcome=Outcome.REFERRED).first()
    assert referred.outcome_note in referred.answer

    aggregation.run()
    html = client.get("/publik/statistik/", {"bulan": 6}).content.decode()
    table = html.split('id="hasil"')[1].split("</section>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', table))
    assert int(rows["Dirujuk ke pihak lain"]) > 0
    assert int(rows["Tidak dapat ditindaklanjuti"]) > 0
    assert int(rows["Sudah ditangani"]) > int(rows["Dirujuk ke pihak lain"])
