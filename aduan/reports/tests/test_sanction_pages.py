"""Each transition of a sanction's life through its page: the happy path and its audit
entry, a wrong method, the wrong state, the wrong role or agency, and doing it twice;
the letter PDF; the agency's list; the public scorecard's step."""

import pytest

from aduan.core.models import AuditEntry, OutboundMessage
from aduan.reports.models import ReportSettings
from aduan.reports.records import ImprovementPlan, LetterTemplate, Sanction

from .sanction_fixtures import SEP, issued

S = Sanction.State
BASE = "/kantor/laporan/sanksi/catatan/"


def _audits(sanction):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.STAFF_ACTION, extra__sanction=sanction.pk
    )


def _state(sanction):
    sanction.refresh_from_db()
    return sanction.state


# -- approve and amend -------------------------------------------------------------------


def test_leader_approves_a_proposal(client, record, sekar):
    sanction = record()
    client.force_login(sekar)
    url = f"{BASE}{sanction.pk}/setujui/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert _state(sanction) == S.APPROVED
    assert sanction.level == sanction.proposed_level and sanction.decided_by == sekar
    assert _audits(sanction).count() == 1
    assert "disetujui" in _audits(sanction).get().description
    # Twice: the state is no longer a proposal, nothing changes.
    response = client.post(url, follow=True)
    assert "tidak dapat dilakukan" in response.content.decode()
    assert _audits(sanction).count() == 1


@pytest.mark.parametrize("who", ["kurnia", "mira", "sari"])
def test_only_leaders_decide(client, record, who, request):
    sanction = record()
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"{BASE}{sanction.pk}/setujui/").status_code in (403, 404)
    assert client.post(
        f"{BASE}{sanction.pk}/ubah/", {"level": "rompi-hitam", "reason": "x"}
    ).status_code in (403, 404)
    assert _state(sanction) == S.PROPOSED
    assert not _audits(sanction).exists()


def test_agency_staff_cannot_see_a_proposal(client, record, kurnia):
    sanction = record()
    client.force_login(kurnia)
    assert client.get(f"{BASE}{sanction.pk}/").status_code == 404


def test_leader_amends_with_a_reason(client, record, sekar):
    sanction = record()
    client.force_login(sekar)
    url = f"{BASE}{sanction.pk}/ubah/"
    client.post(url, {"level": "teguran-kedua", "reason": ""})
    assert _state(sanction) == S.PROPOSED
    client.post(url, {"level": "tidak-ada", "reason": "Alasan"})
    assert _state(sanction) == S.PROPOSED
    client.post(url, {"level": "teguran-kedua", "reason": "Aduan jalan berulang kali."})
    assert _state(sanction) == S.APPROVED
    assert sanction.level.code == "teguran-kedua" and sanction.amended
    assert sanction.amendment_reason == "Aduan jalan berulang kali."
    assert _audits(sanction).get().extra["approved"] == "teguran-kedua"
    client.post(url, {"level": "rompi-hitam", "reason": "Lagi"})
    sanction.refresh_from_db()
    assert sanction.level.code == "teguran-kedua"


# -- issue ----------------------------------------------------------------------------------


def test_leader_issues_the_letter_from_the_template(client, record, sekar, kurnia):
    kurnia.email = "kurnia@malangkota.go.id"
    kurnia.save()
    template = LetterTemplate.objects.get(kind="sanksi")
    template.body = "Kepada {opd} ({opd_singkat}): {langkah}, periode {periode}. {tidak_dikenal}"
    template.save()
    sanction = record(S.APPROVED)
    client.force_login(sekar)
    url = f"{BASE}{sanction.pk}/terbitkan/"
    assert client.get(url).status_code == 405
    client.post(url)
    assert _state(sanction) == S.ISSUED and sanction.issued_by == sekar
    assert sanction.letter_text.startswith(
        "Kepada Dinas Pekerjaan Umum (DPUPRPKP): Teguran pertama, periode"
    )
    # An unknown placeholder stays as typed.
    assert "{tidak_dikenal}" in sanction.letter_text
    assert OutboundMessage.objects.filter(recipient="kurnia@malangkota.go.id").count() == 1
    notice = kurnia.notifications.get()
    assert notice.kind == "evaluation" and notice.link == f"{BASE}{sanction.pk}/"
    # Opening it marks it read and goes to the record.
    client.force_login(kurnia)
    response = client.post(f"/kantor/notifikasi/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{sanction.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    client.force_login(sekar)
    # A later edit of the template does not rewrite the issued letter.
    template.body = "Baru"
    template.save()
    client.post(url)
    sanction.refresh_from_db()
    assert sanction.letter_text.startswith("Kepada Dinas")
    assert _audits(sanction).count() == 1


def test_a_proposal_cannot_be_issued(client, record, sekar, kurnia):
    sanction = record()
    client.force_login(sekar)
    client.post(f"{BASE}{sanction.pk}/terbitkan/")
    assert _state(sanction) == S.PROPOSED
    approved = record(S.APPROVED, agency="dlh")
    client.force_login(kurnia)
    assert client.post(f"{BASE}{approved.pk}/terbitkan/").status_code == 404
    assert _state(approved) == S.APPROVED


# -- the letter -----------------------------------------------------------------------------


@pytest.fixture
def captured_html(monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def recording(*args, string=None, **kwargs):
        seen.append(string)
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    return seen


def test_letter_pdf_for_the_leader_and_the_head(
    client, record, sekar, kurnia, adi, dewi, captured_html
):
    sanction = issued(record, sekar)
    url = f"{BASE}{sanction.pk}/surat.pdf"
    for user in (sekar, kurnia):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert "surat-teguran-pertama-dpuprpkp-2026-09.pdf" in response["Content-Disposition"]
    assert "Dinas Pekerjaan Umum" in captured_html[-1]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2
    # The agency's admin and another agency: not theirs.
    for user in (adi, dewi):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(sekar)
    assert client.post(url).status_code == 405


def test_no_letter_before_it_is_issued(client, record, sekar):
    sanction = record(S.APPROVED)
    client.force_login(sekar)
    assert client.get(f"{BASE}{sanction.pk}/surat.pdf").status_code == 404


# -- acknowledge ------------------------------------------------------------------------------


def test_the_head_acknowledges(client, record, sekar, kurnia, adi, dewi, head_of_dlh):
    sanction = issued(record, sekar)
    url = f"{BASE}{sanction.pk}/terima/"
    # The agency's admin, another agency's head or staff, the leader: not theirs to do.
    client.force_login(adi)
    assert client.post(url).status_code == 403
    for user in (dewi, head_of_dlh):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(sekar)
    assert client.post(url).status_code == 403
    assert _state(sanction) == S.ISSUED
    client.force_login(kurnia)
    assert client.get(url).status_code == 405
    client.post(url)
    assert _state(sanction) == S.ACKNOWLEDGED
    assert sanction.acknowledged_by == kurnia and sanction.acknowledged_at is not None
    client.post(url)
    assert _state(sanction) == S.ACKNOWLEDGED
    assert _audits(sanction).filter(description__contains="diterima").count() == 1


def test_the_head_sees_the_record_on_their_list(client, record, sekar, kurnia, adi):
    record(S.PROPOSED, agency="dlh")
    sanction = issued(record, sekar)
    client.force_login(kurnia)
    page = client.get("/kantor/laporan/sanksi/opd/").content.decode()
    assert "Teguran pertama" in page and "menunggu penerimaan Anda" in page
    assert "/kantor/laporan/sanksi/opd/" in client.get("/kantor/laporan/sanksi/").url
    detail = client.get(f"{BASE}{sanction.pk}/").content.decode()
    assert "Terima surat" in detail and "Unduh surat" in detail
    # The agency's admin reads it, without the head's buttons or the letter.
    client.force_login(adi)
    detail = client.get(f"{BASE}{sanction.pk}/").content.decode()
    assert "Terima surat" not in detail and "Unduh surat" not in detail
    assert client.get("/kantor/laporan/sanksi/opd/").status_code == 200
    client.force_login(sekar)
    assert client.get("/kantor/laporan/sanksi/opd/").status_code == 403


# -- the improvement plan ----------------------------------------------------------------------


def _plan_data(**extra):
    data = {
        "summary": "Piket tanggapan harian dan papan pantau tenggat.",
        "tindakan-TOTAL_FORMS": "4",
        "tindakan-INITIAL_FORMS": "0",
        "tindakan-MIN_NUM_FORMS": "0",
        "tindakan-MAX_NUM_FORMS": "20",
        "tindakan-0-description": "Piket tanggapan 1x24 jam",
        "tindakan-0-due_date": "2026-11-15",
        "tindakan-1-description": "Pelatihan admin OPD",
        "tindakan-1-due_date": "2026-12-01",
    }
    data.update(extra)
    return data


def test_the_head_files_the_plan(client, record, sekar, kurnia, adi):
    sanction = issued(record, sekar)
    url = f"{BASE}{sanction.pk}/rencana/"
    client.force_login(kurnia)
    # Not before the letter is acknowledged.
    client.post(url, _plan_data())
    assert _state(sanction) == S.ISSUED and not ImprovementPlan.objects.exists()
    client.post(f"{BASE}{sanction.pk}/terima/")
    assert client.get(url).status_code == 200
    # An action without a date, or no action at all: the form again.
    bad = _plan_data(**{"tindakan-1-due_date": ""})
    assert client.post(url, bad).status_code == 400
    none = _plan_data(**{"tindakan-0-description": "", "tindakan-0-due_date": ""})
    none.update({"tindakan-1-description": "", "tindakan-1-due_date": ""})
    assert client.post(url, none).status_code == 400
    assert _state(sanction) == S.ACKNOWLEDGED
    client.force_login(adi)
    assert client.post(url, _plan_data()).status_code == 403
    client.force_login(kurnia)
    assert client.post(url, _plan_data()).status_code == 302
    assert _state(sanction) == S.PLAN_FILED
    plan = ImprovementPlan.objects.get(sanction=sanction)
    assert [a.description for a in plan.actions.all()] == [
        "Piket tanggapan 1x24 jam",
        "Pelatihan admin OPD",
    ]
    client.post(url, _plan_data())
    assert ImprovementPlan.objects.count() == 1
    assert "Pelatihan admin OPD" in client.get(f"{BASE}{sanction.pk}/").content.decode()


def test_a_reward_asks_for_no_plan(client, record, sekar, kurnia):
    sanction = record(S.ACKNOWLEDGED, code="apresiasi")
    client.force_login(kurnia)
    client.post(f"{BASE}{sanction.pk}/rencana/", _plan_data())
    assert _state(sanction) == S.ACKNOWLEDGED and not ImprovementPlan.objects.exists()


# -- review -----------------------------------------------------------------------------------


def test_leader_reviews_the_plan(client, record, sekar, kurnia):
    sanction = record(S.PLAN_FILED)
    url = f"{BASE}{sanction.pk}/tinjau/"
    client.force_login(kurnia)
    assert client.post(url, {"held": "1"}).status_code == 403
    client.force_login(sekar)
    client.post(url, {"held": "maybe"})
    assert _state(sanction) == S.PLAN_FILED
    client.post(url, {"held": "0", "note": "Masih lambat."})
    assert _state(sanction) == S.REVIEWED
    assert sanction.held is False and sanction.reviewed_by == sekar
    client.post(url, {"held": "1"})
    sanction.refresh_from_db()
    assert sanction.held is False


def test_an_undecided_record_is_not_reviewed(client, record, sekar):
    sanction = record(S.APPROVED)
    client.force_login(sekar)
    client.post(f"{BASE}{sanction.pk}/tinjau/", {"held": "1"})
    assert _state(sanction) == S.APPROVED


# -- the leaders' page and the public scorecard --------------------------------------------


def test_period_page_is_for_report_readers(client, record, sekar, mira, kurnia):
    record()
    url = f"/kantor/laporan/sanksi/{SEP.code}/"
    client.force_login(kurnia)
    assert client.get(url).status_code == 403
    client.force_login(mira)
    page = client.get(url).content.decode()
    assert "Dinas Pekerjaan Umum" in page and "Setujui usulan" not in page
    client.force_login(sekar)
    assert "Setujui usulan" in client.get(url).content.decode()


def test_public_scorecard_shows_the_approved_step(client, scores, record, sekar):
    settings = ReportSettings.load()
    settings.publish_scorecard = True
    settings.save()
    sanction = record()
    page = client.get("/publik/skor/", {"periode": SEP.code}).content.decode()
    assert "Langkah yang berlaku" not in page
    client.force_login(sekar)
    client.post(f"{BASE}{sanction.pk}/ubah/", {"level": "teguran-kedua", "reason": "Berulang"})
    client.logout()
    page = client.get("/publik/skor/", {"periode": SEP.code}).content.decode()
    assert "Langkah yang berlaku" in page
    section = page.split('id="langkah-berlaku"')[1].split("</section>")[0]
    assert "Dinas Pekerjaan Umum" in section and "Teguran kedua" in section
    assert "Berulang" not in page


def test_the_city_edits_the_letter_in_the_admin(client, sari, record):
    client.force_login(sari)
    template = LetterTemplate.objects.get(kind="sanksi")
    url = f"/admin/reports/lettertemplate/{template.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"kind": "sanksi", "title": "Teguran untuk {opd}", "body": "Isi {alasan}"})
    template.refresh_from_db()
    assert template.title == "Teguran untuk {opd}"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ADMIN_CHANGE).exists()
    # Records are read-only there: they change through the pages that check the state.
    sanction = record()
    assert client.get("/admin/reports/sanction/").status_code == 200
    client.post(f"/admin/reports/sanction/{sanction.pk}/change/", {"state": "ditinjau"})
    assert _state(sanction) == S.PROPOSED
    rewards = client.get("/admin/reports/sanctionlevel/").content.decode()
    assert "Apresiasi" in rewards and "Penghargaan" in rewards
