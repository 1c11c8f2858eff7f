"""The agency inbox: only what was dispatched to the agency, never anyone else's."""

import re

import pytest

from aduan.core import lifecycle
from aduan.core.models import Privacy, Status
from aduan.office.models import Assignment

from .conftest import login

pytestmark = pytest.mark.django_db


def codes(html):
    return set(re.findall(r'class="office-code" href="/kantor/aduan/([^/]+)/"', html))


def test_only_own_agency_lead_or_supporting(make_complaint, mira, adi, dewi, city):
    lead = make_complaint()
    supporting = make_complaint()
    theirs = make_complaint(category=city["waste"])
    undispatched = make_complaint()
    lifecycle.dispatch(lead, mira, lead=city["dpupr"])
    lifecycle.dispatch(supporting, mira, lead=city["dlh"], supporting=[city["dpupr"]])
    lifecycle.dispatch(theirs, mira, lead=city["dlh"])
    html = login(adi).get("/kantor/opd/").content.decode()
    assert codes(html) == {lead.code, supporting.code}
    assert theirs.code not in html and undispatched.code not in html
    assert codes(login(dewi).get("/kantor/opd/").content.decode()) == {supporting.code, theirs.code}


def test_role_column_and_filters(make_complaint, mira, adi, kurnia, city):
    lead = make_complaint()
    supporting = make_complaint()
    lifecycle.dispatch(lead, mira, lead=city["dpupr"])
    lifecycle.dispatch(supporting, mira, lead=city["dlh"], supporting=[city["dpupr"]])
    client = login(adi)
    html = client.get("/kantor/opd/").content.decode()
    assert "OPD pendukung" in html.split(supporting.code)[2].split("</tr>")[0]
    assert codes(client.get("/kantor/opd/?role=lead").content.decode()) == {lead.code}
    assert codes(client.get("/kantor/opd/?role=supporting").content.decode()) == {supporting.code}
    Assignment.objects.create(complaint=lead, agency=city["dpupr"], officer=adi, assigned_by=kurnia)
    assert codes(client.get("/kantor/opd/?mine=on").content.decode()) == {lead.code}


def test_answered_hidden_by_default_but_filterable(complaint_in, adi):
    open_one = complaint_in(Status.DIPROSES)
    answered = complaint_in(Status.SELESAI)
    client = login(adi)
    assert codes(client.get("/kantor/opd/").content.decode()) == {open_one.code}
    assert codes(client.get("/kantor/opd/?status=selesai").content.decode()) == {answered.code}


def test_returned_complaint_leaves_the_inbox(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    lifecycle.return_dispatch(c, adi, reason="Bukan wewenang.")
    assert c.code not in login(adi).get("/kantor/opd/").content.decode()


def test_anonymous_reporter_not_in_inbox(complaint_in, adi):
    complaint_in(Status.DIPROSES, privacy=Privacy.ANONIM, reporter_name="Rahasia Sekali")
    assert "Rahasia Sekali" not in login(adi).get("/kantor/opd/").content.decode()


def test_inbox_is_for_agency_staff(mira, sekar, sari):
    for user in (mira, sekar, sari):
        assert login(user).get("/kantor/opd/").status_code == 403


def test_inbox_post_is_405(adi):
    assert login(adi).post("/kantor/opd/").status_code == 405
