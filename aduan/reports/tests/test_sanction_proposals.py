"""The proposal of a period: the ladder's rung, escalation for repeat offenders, the
minimum volume, rewards, idempotence; and the end-of-period job."""

import pytest
from django.utils import timezone

from aduan.core import jobs
from aduan.core.models import AuditEntry, OutboundMessage
from aduan.reports import bimonthly, sanctions
from aduan.reports.periods import current_evaluation_period
from aduan.reports.records import GeneratedReport, Sanction
from aduan.reports.tests.conftest import wib

from .sanction_fixtures import SEP, judged, step


def _by_agency(rows):
    return {s.agency.code: s for s in rows}


def test_proposal_gives_the_rung_and_rewards_above_the_minimum_volume(scores):
    added = _by_agency(sanctions.propose(SEP))
    assert added["dpuprpkp"].proposed_level.code == "teguran-pertama"
    assert added["dpuprpkp"].state == Sanction.State.PROPOSED
    assert added["dpuprpkp"].judged == 500
    assert "di bawah" in added["dpuprpkp"].reasons
    # One strong period: appreciation, not yet the two-period reward.
    assert added["dlh"].proposed_level.code == "apresiasi"
    assert added["pdam"].proposed_level.code == "apresiasi"
    # Three stages say little: no sanction, no reward.
    assert "diskominfo" not in added
    assert AuditEntry.objects.filter(action=AuditEntry.Action.STAFF_ACTION).count() == 3


def test_two_strong_periods_earn_the_reward(scores):
    judged(scores["dlh"], SEP.previous(), 490, 500)
    judged(scores["dpupr"], SEP.previous(), 400, 500)
    added = _by_agency(sanctions.propose(SEP))
    assert added["dlh"].proposed_level.code == "penghargaan"
    assert added["pdam"].proposed_level.code == "apresiasi"


def test_a_repeat_offender_climbs_from_the_recorded_step(scores, record):
    # Last period's record (amended to teguran kedua by the leaders), slow again now:
    # the next rung, although the computed streak alone gives only the first.
    Sanction.objects.create(
        agency=scores["dpupr"],
        period=SEP.previous().code,
        state=Sanction.State.REVIEWED,
        proposed_level=step("teguran-pertama"),
        level=step("teguran-kedua"),
        proposed_at=timezone.now(),
    )
    added = _by_agency(sanctions.propose(SEP))
    assert added["dpuprpkp"].proposed_level.code == "rompi-hitam"
    assert "Teguran kedua" in added["dpuprpkp"].reasons


def test_the_top_rung_stays_the_top(scores):
    Sanction.objects.create(
        agency=scores["dpupr"],
        period=SEP.previous().code,
        state=Sanction.State.ISSUED,
        proposed_level=step("rompi-hitam"),
        level=step("rompi-hitam"),
        proposed_at=timezone.now(),
    )
    added = _by_agency(sanctions.propose(SEP))
    assert added["dpuprpkp"].proposed_level.code == "rompi-hitam"


def test_a_recovered_agency_is_not_escalated(scores):
    Sanction.objects.create(
        agency=scores["dlh"],
        period=SEP.previous().code,
        state=Sanction.State.ISSUED,
        proposed_level=step("teguran-pertama"),
        level=step("teguran-pertama"),
        proposed_at=timezone.now(),
    )
    added = _by_agency(sanctions.propose(SEP))
    assert added["dlh"].proposed_level.code == "apresiasi"


def test_proposing_twice_adds_nothing_and_keeps_decisions(scores, sekar):
    first = _by_agency(sanctions.propose(SEP))
    sanctions.approve(first["dpuprpkp"], sekar)
    assert sanctions.propose(SEP) == []
    assert Sanction.objects.filter(period=SEP.code).count() == 3
    assert Sanction.objects.get(agency=scores["dpupr"]).state == Sanction.State.APPROVED


def test_a_running_period_is_not_proposed(scores):
    with pytest.raises(sanctions.WrongState):
        sanctions.propose(current_evaluation_period())
    assert not Sanction.objects.exists()


def test_the_proposal_page_is_for_leaders(client, scores, sekar, mira, kurnia):
    url = f"/kantor/laporan/sanksi/{SEP.code}/usulkan/"
    client.force_login(kurnia)
    assert client.post(url).status_code == 403
    client.force_login(mira)
    assert client.post(url).status_code == 403
    assert not Sanction.objects.exists()
    client.force_login(sekar)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert Sanction.objects.filter(period=SEP.code).count() == 3
    assert client.post(url).status_code == 302
    assert Sanction.objects.filter(period=SEP.code).count() == 3
    page = client.get(f"/kantor/laporan/sanksi/{SEP.code}/").content.decode()
    assert "Dinas Pekerjaan Umum" in page and "Setujui usulan" in page
    assert client.get("/kantor/laporan/sanksi/bukan-periode/").status_code == 404


# -- the end-of-period job ---------------------------------------------------------------


def test_the_job_is_registered():
    assert "reports.close_period" in {job.name for job in jobs.registered()}


def test_the_job_closes_an_ended_period_once(scores, sekar, record):
    sekar.email = "sekar@malangkota.go.id"
    sekar.save()
    # The period before, reviewed by the job against September–October's score.
    earlier = Sanction.objects.create(
        agency=scores["dlh"],
        period=SEP.previous().code,
        state=Sanction.State.PLAN_FILED,
        proposed_level=step("teguran-pertama"),
        level=step("teguran-pertama"),
        proposed_at=timezone.now(),
    )
    # Within the grace after the period's end: not yet.
    assert bimonthly.run(now=wib(2026, 11, 1, 3)) is None
    stored = bimonthly.run(now=wib(2026, 11, 1, 9))
    assert stored.period == SEP.code
    assert bytes(stored.pdf).startswith(b"%PDF")
    assert bytes(stored.xlsx).startswith(b"PK")
    assert Sanction.objects.filter(period=SEP.code).count() == 3
    earlier.refresh_from_db()
    assert earlier.state == Sanction.State.REVIEWED and earlier.held is True
    assert earlier.reviewed_by is None
    mail = OutboundMessage.objects.get(recipient="sekar@malangkota.go.id")
    assert "3 usulan" in mail.body and f"/kantor/laporan/sanksi/{SEP.code}/" in mail.body
    assert stored.notified == 1
    # In the office too, linked to the period's proposals (office.notify stores it).
    notice = sekar.notifications.get()
    assert notice.kind == "evaluation" and "3 usulan" in notice.text
    assert notice.link == f"/kantor/laporan/sanksi/{SEP.code}/" and notice.complaint is None
    # Twice: nothing more.
    assert bimonthly.run(now=wib(2026, 11, 2, 9)) is None
    assert GeneratedReport.objects.count() == 1
    assert OutboundMessage.objects.filter(recipient="sekar@malangkota.go.id").count() == 1
    assert sekar.notifications.count() == 1


def test_stored_report_downloads(client, scores, sekar, kurnia):
    bimonthly.run(now=wib(2026, 11, 1, 9))
    url = f"/kantor/laporan/evaluasi/arsip/{SEP.code}."
    client.force_login(kurnia)
    assert client.get(url + "pdf").status_code == 403
    client.force_login(sekar)
    response = client.get(url + "pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(url + "xlsx").content.startswith(b"PK")
    assert client.get(url + "doc").status_code == 404
    assert client.get("/kantor/laporan/evaluasi/arsip/2025-01.pdf").status_code == 404
