"""Two staff on the same complaint: the second write is refused with 409, nothing overwritten."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Event, Privacy, Status

from .conftest import login, post_action

pytestmark = pytest.mark.django_db


def test_two_sessions_second_gets_409_and_keeps_first(complaint_in, adi, kurnia):
    c = complaint_in(Status.DIPROSES)
    first, second = login(adi), login(kurnia)
    # Both load the page: both forms carry the same version.
    loaded = c.version
    assert (
        f'name="version" value="{loaded}"' in first.get(f"/kantor/aduan/{c.code}/").content.decode()
    )
    assert (
        f'name="version" value="{loaded}"'
        in second.get(f"/kantor/aduan/{c.code}/").content.decode()
    )

    r1 = post_action(
        first, c, "selesaikan", version=loaded, answer="Jawaban Adi.", outcome="ditangani"
    )
    assert r1.status_code == 302
    r2 = post_action(
        second, c, "selesaikan", version=loaded, answer="Jawaban Kurnia.", outcome="ditangani"
    )
    assert r2.status_code == 409
    html = r2.content.decode()
    assert "baru saja diubah oleh orang lain" in html
    # The reloaded page shows the first answer, the new status and no stale form.
    assert "Jawaban Adi." in html
    assert "Selesai ditindaklanjuti" in html
    c.refresh_from_db()
    assert c.answer == "Jawaban Adi."
    assert c.events.filter(kind=Event.Kind.RESOLVED).count() == 1


def test_stale_update_keeps_the_typed_text_with_fresh_version(complaint_in, adi, kurnia):
    c = complaint_in(Status.DIPROSES)
    loaded = c.version
    lifecycle.post_update(c, adi, note="Dari Adi.")
    c.refresh_from_db()
    r = post_action(login(kurnia), c, "perkembangan", version=loaded, note="Dari Kurnia.")
    assert r.status_code == 409
    html = r.content.decode()
    form = html.split('id="aksi-perkembangan"')[1].split("</details>")[0]
    assert "Dari Kurnia." in form
    assert f'name="version" value="{c.version}"' in form
    assert not c.events.filter(note="Dari Kurnia.").exists()


def test_moderator_correction_after_dispatch_is_refused_when_stale(complaint_in, mira, city):
    c = complaint_in(Status.BARU)
    loaded = c.version
    other_moderator = login(mira)
    assert post_action(login(mira), c, "disposisi", lead=city["dpupr"].pk).status_code == 302
    r = post_action(
        other_moderator,
        c,
        "koreksi",
        version=loaded,
        kind="pengaduan",
        category=city["waste"].pk,
        privacy=Privacy.PUBLIK,
        priority="normal",
    )
    assert r.status_code == 409
    c.refresh_from_db()
    assert c.category == city["roads"]


def test_stale_note_outside_transitions_is_refused(complaint_in, mira):
    c = complaint_in(Status.BARU)
    loaded = c.version
    lifecycle.verify(c, mira)
    r = post_action(login(mira), c, "catatan", version=loaded, note="Telat.")
    assert r.status_code == 409
    assert not c.events.filter(note="Telat.").exists()


def test_stale_form_of_an_action_no_longer_offered_is_409(complaint_in, adi, kurnia):
    c = complaint_in(Status.DIDISPOSISIKAN)
    loaded = c.version
    lifecycle.acknowledge(c, adi)
    r = post_action(login(kurnia), c, "terima", version=loaded)
    assert r.status_code == 409
    assert "baru saja diubah oleh orang lain" in r.content.decode()
    assert c.events.filter(kind=Event.Kind.ACKNOWLEDGED).count() == 1
