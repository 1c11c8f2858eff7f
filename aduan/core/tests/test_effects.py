"""The after-transition step: its subscribers in their declared order, run once for every
event row any lifecycle function writes, and triage kept out of the filing transaction."""

import ast
import inspect
import logging
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from aduan.core import effects, lifecycle
from aduan.core.models import Complaint, Event, Status
from aduan.office.models import Notification

DECLARED = (
    "aduan.deadlines.clock.on_transition",
    "aduan.office.notify.on_transition",
    "aduan.triage.hooks.on_transition",
    "aduan.core.audit.on_transition",
    "aduan.portal.alerts.on_transition",
)


@pytest.fixture
def fresh_subscribers():
    # The resolved subscribers are cached for the process; a test that patches one
    # must not leave its stand-in behind for the next test.
    effects.subscribers.cache_clear()
    yield
    effects.subscribers.cache_clear()


# -- (a) the declared order ---------------------------------------------------------------


def test_the_subscribers_are_declared_in_this_order():
    assert effects.SUBSCRIBERS == DECLARED
    resolved = [f"{f.__module__}.{f.__name__}" for f in effects.subscribers()]
    assert resolved == list(DECLARED)


def test_subscribers_run_in_the_declared_order_then_the_extra_ones(
    monkeypatch, fresh_subscribers, make_complaint, mira, city
):
    calls = []
    for path in DECLARED:
        module, name = path.rsplit(".", 1)
        monkeypatch.setattr(
            import_module(module),
            name,
            lambda complaint, event, path=path: calls.append((event.kind, path)),
        )
    effects.subscribers.cache_clear()
    c = make_complaint()
    calls.clear()
    with effects.extra_subscriber(lambda complaint, event: calls.append((event.kind, "extra"))):
        lifecycle.dispatch(c, mira, lead=city["dpupr"])
    assert calls == [(Event.Kind.DISPATCHED, path) for path in (*DECLARED, "extra")]


def test_the_extra_subscriber_ends_with_its_block(make_complaint):
    seen = []
    with effects.extra_subscriber(lambda complaint, event: seen.append(event.kind)):
        make_complaint()
    make_complaint()
    assert seen == [Event.Kind.CREATED]


def test_the_step_refuses_to_run_outside_a_transaction(transactional_db, make_complaint):
    c = make_complaint()
    with pytest.raises(RuntimeError):
        effects.after_transition(c, c.events.get())


def test_the_core_imports_no_app_above_it():
    # Importing the step must not pull in the apps it names: they are resolved on first use.
    code = (
        "import sys, aduan.core.effects; "
        "print(sorted(m for m in sys.modules if m.startswith('aduan.') "
        "and not m.startswith(('aduan.core', 'aduan.lib'))))"
    )
    root = Path(effects.__file__).parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout
    assert out.strip() == "[]"
    above = tuple(
        f"aduan.{app}" for app in ("deadlines", "office", "triage", "reports", "portal", "channels")
    )
    core = Path(effects.__file__).parent
    for path in core.glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.startswith(above)], path.name


# -- (b) once per event row, on every path ---------------------------------------------------

YEAR = timezone.localdate().year + 1

# (case, lifecycle function, status the complaint is brought to first, the call)
CASES = [
    ("create_complaint", "create_complaint", None, lambda c, f: f.make_complaint()),
    ("verify", "verify", Status.BARU, lambda c, f: lifecycle.verify(c, f.mira)),
    (
        "dispatch",
        "dispatch",
        Status.BARU,
        lambda c, f: lifecycle.dispatch(
            c, f.mira, lead=f.city["dpupr"], supporting=[f.city["dlh"]]
        ),
    ),
    (
        "acknowledge",
        "acknowledge",
        Status.DIDISPOSISIKAN,
        lambda c, f: lifecycle.acknowledge(c, f.adi),
    ),
    (
        "post_update",
        "post_update",
        Status.DIDISPOSISIKAN,
        lambda c, f: lifecycle.post_update(c, f.adi, note="Survei dijadwalkan."),
    ),
    (
        "post_update_internal",
        "post_update",
        Status.DIPROSES,
        lambda c, f: lifecycle.post_update(c, f.adi, note="Koordinasi.", public=False),
    ),
    (
        "request_info",
        "request_info",
        Status.DIPROSES,
        lambda c, f: lifecycle.request_info(c, f.adi, question="Nomor rumah?"),
    ),
    (
        "provide_info",
        "provide_info",
        Status.MENUNGGU_INFO,
        lambda c, f: lifecycle.provide_info(c, text="Nomor 12."),
    ),
    (
        "add_info",
        "add_info",
        Status.DIPROSES,
        lambda c, f: lifecycle.add_info(c, text="Sekarang ada genangan juga."),
    ),
    (
        "return_dispatch",
        "return_dispatch",
        Status.DIDISPOSISIKAN,
        lambda c, f: lifecycle.return_dispatch(c, f.adi, reason="Jalan provinsi."),
    ),
    (
        "defer_to_budget",
        "defer_to_budget",
        Status.DIPROSES,
        lambda c, f: lifecycle.defer_to_budget(c, f.adi, year=YEAR, plan="APBD."),
    ),
    (
        "resolve",
        "resolve",
        Status.DIPROSES,
        lambda c, f: lifecycle.resolve(c, f.adi, answer="Sudah ditambal."),
    ),
    (
        "resolve_with_internal_note",
        "resolve",
        Status.DIPROSES,
        lambda c, f: lifecycle.resolve(
            c, f.adi, answer="Sudah ditambal.", internal_note="Aspal sisa proyek."
        ),
    ),
    (
        "answer_directly",
        "answer_directly",
        Status.BARU,
        lambda c, f: lifecycle.answer_directly(c, f.mira, answer="Buka jam 8."),
    ),
    ("confirm", "confirm", Status.SELESAI, lambda c, f: lifecycle.confirm(c)),
    ("dispute", "dispute", Status.SELESAI, lambda c, f: lifecycle.dispute(c, reason="Belum.")),
    ("close", "close", Status.SELESAI, lambda c, f: lifecycle.close(c, automatic=True)),
    (
        "reject",
        "reject",
        Status.BARU,
        lambda c, f: lifecycle.reject(c, f.mira, reason=f.city["spam"]),
    ),
    # Two rows: the merged complaint's event and the survivor's note.
    ("merge", "merge", Status.BARU, lambda c, f: lifecycle.merge(c, f.mira, into=f.survivor)),
    ("rate", "rate", Status.SELESAI, lambda c, f: lifecycle.rate(c, rating=4)),
    (
        "correct",
        "correct",
        Status.TERVERIFIKASI,
        lambda c, f: lifecycle.correct(c, f.mira, category=f.city["waste"], priority="tinggi"),
    ),
    (
        "record_note",
        "record_note",
        Status.DIPROSES,
        lambda c, f: lifecycle.record_note(c, f.adi, note="Rapat dengan camat."),
    ),
    (
        "record_contact_viewed",
        "record_note",
        Status.DIPROSES,
        lambda c, f: lifecycle.record_note(
            c, f.adi, note="Kontak dilihat.", kind=Event.Kind.CONTACT_VIEWED
        ),
    ),
]

# Public functions of the lifecycle that write no event row.
NOT_WRITERS = {
    "allowed_transitions",
    "illegal_message",
    "lock",
    "next_code",
    "stale_message",
    "store_photo_sizes",
    "stored_text",
}


def test_every_event_writing_function_has_a_case():
    functions = {
        name
        for name, value in vars(lifecycle).items()
        if inspect.isfunction(value)
        and value.__module__ == lifecycle.__name__
        and not name.startswith("_")
    }
    covered = {function for _, function, _, _ in CASES}
    assert set(lifecycle.TRANSITIONS) <= covered
    assert functions - NOT_WRITERS == covered


@pytest.mark.parametrize(
    ("function", "status", "call"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_step_runs_once_for_every_event_written(
    function, status, call, complaint_in, make_complaint, city, mira, adi
):
    c = complaint_in(status) if status else None
    if c is not None and function == "correct":
        assert c.priority != "tinggi"
    fixtures = SimpleNamespace(
        make_complaint=make_complaint, city=city, mira=mira, adi=adi, survivor=make_complaint()
    )
    before = set(Event.objects.values_list("pk", flat=True))
    seen = []

    def subscriber(complaint, event):
        assert complaint.pk == event.complaint_id
        seen.append(event.pk)

    with effects.extra_subscriber(subscriber):
        call(c, fixtures)
    written = set(Event.objects.values_list("pk", flat=True)) - before
    assert written, "the case wrote no event"
    assert sorted(seen) == sorted(written)


def test_a_contact_view_notifies_nobody_but_a_supporting_note_does(complaint_in, mira, dewi, city):
    c = complaint_in(Status.BARU)
    lifecycle.dispatch(c, mira, lead=city["dpupr"], supporting=[city["dlh"]])
    before = Notification.objects.count()
    lifecycle.record_note(c, dewi, note="Kontak dilihat.", kind=Event.Kind.CONTACT_VIEWED)
    assert Notification.objects.count() == before
    lifecycle.record_note(c, dewi, note="Truk sampah dikirim besok pagi.")
    assert Notification.objects.filter(complaint=c, kind=Notification.Kind.CONTRIBUTION).exists()


# -- (c) triage after the filing commits -----------------------------------------------------


@pytest.fixture
def computed(monkeypatch):
    """Stand in for triage's compute: records the complaint and the savepoints around it."""
    from aduan.triage import suggest

    calls = []

    def record(complaint, *, full, settings=None):
        calls.append(
            SimpleNamespace(
                pk=complaint.pk,
                full=full,
                savepoints=list(transaction.get_connection().savepoint_ids),
                stored=Complaint.objects.filter(pk=complaint.pk).exists(),
            )
        )

    monkeypatch.setattr(suggest, "compute", record)
    return calls


def test_triage_of_a_new_complaint_waits_for_the_commit(
    computed, make_complaint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        c = make_complaint()
        assert computed == [], "triage ran inside the filing transaction"
    assert len(callbacks) == 1
    assert [(call.pk, call.full) for call in computed] == [(c.pk, True)]


@pytest.mark.django_db(transaction=True)
def test_triage_runs_in_a_transaction_of_its_own_after_the_filing(computed, make_complaint):
    c = make_complaint()
    [call] = computed
    assert call.pk == c.pk and call.stored
    # The filing's transaction is over: triage's own atomic block is the outermost one.
    assert call.savepoints == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_triage_is_logged_and_the_filing_stands(monkeypatch, make_complaint, caplog):
    from aduan.triage import suggest

    def explode(*args, **kwargs):
        raise RuntimeError("triage down")

    monkeypatch.setattr(suggest, "compute", explode)
    with caplog.at_level(logging.ERROR, logger="aduan.triage"):
        c = make_complaint()
    assert Complaint.objects.get(pk=c.pk).status == Status.BARU
    assert c.events.filter(kind=Event.Kind.CREATED).count() == 1
    [record] = [r for r in caplog.records if r.name == "aduan.triage"]
    assert c.code in record.getMessage() and record.exc_info[1].args == ("triage down",)


def test_triage_stays_quiet_for_changes_made_inside_quiet(
    computed, complaint_in, mira, city, django_capture_on_commit_callbacks
):
    from aduan.triage import hooks

    c = complaint_in(Status.TERVERIFIKASI)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with hooks.quiet():
            lifecycle.correct(c, mira, category=city["waste"])
        lifecycle.correct(c, mira, priority="tinggi")
    assert len(callbacks) == 1
    assert [(call.pk, call.full) for call in computed] == [(c.pk, False)]
