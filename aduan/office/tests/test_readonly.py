"""Leaders and the system admin read the back office but change nothing: every POST is refused."""

import pytest
from django.urls import reverse

from aduan.core.models import Event, Status
from aduan.office.models import Notification, ResponseTemplate

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["sekar", "sari"])
def test_every_post_is_refused(persona, request, complaint_in, adi, city):
    user = request.getfixturevalue(persona)
    c = complaint_in(Status.DIPROSES)
    template = ResponseTemplate.objects.create(agency=city["dpupr"], title="T", body="B")
    note = Notification.objects.create(recipient=user, complaint=c, kind="dispatched", text="x")
    urls = [reverse("office:act", args=[c.code, a]) for a in ("disposisi", "selesaikan", "catatan")]
    urls += [
        reverse("office:show_contact", args=[c.code]),
        reverse("office:bulk"),
        reverse("office:template_new"),
        reverse("office:template_edit", args=[template.pk]),
        reverse("office:template_delete", args=[template.pk]),
        reverse("office:notification_open", args=[note.pk]),
        reverse("office:notifications_read"),
    ]
    events = Event.objects.count()
    client = login(user)
    for url in urls:
        r = client.post(
            url,
            {
                "version": c.version,
                "note": "x",
                "answer": "x",
                "items": [f"{c.code}:{c.version}"],
                "action": "dispatch",
                "lead": city["dlh"].pk,
            },
        )
        assert r.status_code in (403, 404), url
    assert Event.objects.count() == events
    assert ResponseTemplate.objects.filter(pk=template.pk).exists()
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize("persona", ["sekar", "sari"])
def test_pages_are_readable(persona, request, complaint_in):
    user = request.getfixturevalue(persona)
    c = complaint_in(Status.DIPROSES)
    client = login(user)
    assert client.get("/kantor/semua/").status_code == 200
    assert client.get(f"/kantor/aduan/{c.code}/").status_code == 200
    assert client.get("/kantor/notifikasi/").status_code == 200
