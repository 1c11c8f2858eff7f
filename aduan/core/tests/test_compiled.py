"""Queries compiled once and run with new values return what the queryset itself returns."""

import pytest
from django.db.models import F

from aduan.core import compiled
from aduan.core.models import Complaint, Event


def by_code(code):
    return (
        Complaint.objects.filter(code=code)
        .select_related("kelurahan__kecamatan")
        .only("code", "status", "received_at", "kelurahan__name", "kelurahan__kecamatan__name")
        .annotate(category_name=F("category__name"))
    )


def test_a_template_returns_what_the_queryset_returns(make_complaint, city):
    made = [
        make_complaint(text="Jalan berlubang di depan sekolah", kelurahan=city["gadang"]),
        make_complaint(text="Sampah menumpuk di pasar", kelurahan=None, category=city["waste"]),
    ]
    built = []
    template = compiled.Template(lambda code: built.append(code) or by_code(code), compiled.text(0))
    for complaint in [*made, *made]:
        [got] = template.run(complaint.code)
        [want] = list(by_code(complaint.code))
        assert (got.pk, got.code, got.status, got.received_at) == (
            want.pk,
            want.code,
            want.status,
            want.received_at,
        )
        assert got.category_name == want.category_name
        assert got.get_deferred_fields() == want.get_deferred_fields()
        if want.kelurahan_id:
            assert got.kelurahan.name == want.kelurahan.name
            assert got.kelurahan.kecamatan.name == want.kelurahan.kecamatan.name
        else:
            assert got.kelurahan is None
    assert template.run("ADU-0000-0000") == []
    assert len(built) == 1, "compiled once, run four times"


def test_values_are_parameters_never_sql(make_complaint):
    complaint = make_complaint(text="Lampu jalan mati")
    template = compiled.Template(by_code, compiled.text(0))
    assert template.run("x' OR '1'='1") == []
    assert [c.pk for c in template.run(complaint.code)] == [complaint.pk]


def test_select_related_rows_and_integer_keys(make_complaint):
    complaint = make_complaint(text="Air PDAM mati")
    template = compiled.Template(
        lambda pk: Event.objects.filter(complaint_id=pk).select_related("actor").order_by("pk"),
        compiled.number(0),
    )
    got = template.run(complaint.pk)
    want = list(Event.objects.filter(complaint_id=complaint.pk).order_by("pk"))
    assert [(e.pk, e.kind, e.data, e.created_at) for e in got] == [
        (e.pk, e.kind, e.data, e.created_at) for e in want
    ]


def test_a_query_without_its_marker_is_refused(db):
    template = compiled.Template(
        lambda code: Complaint.objects.filter(code="fixed"), compiled.text(0)
    )
    with pytest.raises(compiled.TemplateError):
        template.run("ADU-2612-0001")
    with pytest.raises(TypeError):
        compiled.Template(by_code, compiled.text(0)).run()


# -- CompiledInsert: a new row written by a statement built once per model and columns.


def _stored(model, pk):
    return model.objects.filter(pk=pk).values().get()


def _without(row, *names):
    return {k: v for k, v in row.items() if k not in names}


def test_a_compiled_insert_stores_what_django_would(make_complaint, city, monkeypatch):
    """The same filing twice, once through the compiled statement and once through
    Django's InsertQuery: every stored column alike but the ones that must differ."""
    fields = {
        "text": "Lampu jalan di gang mawar mati, hubungi Budi 081234567890.",
        "address": "Jl. Mawar 3",
        "latitude": "-7.98",
        "longitude": "112.63",
        "kelurahan": city["gadang"],
    }
    fast = make_complaint(**fields)
    monkeypatch.setattr(compiled, "_insert_shape", lambda *a: None)  # Django's own path
    plain = make_complaint(**fields)
    unique = ("id", "code", "token", "public_fingerprint")
    # Times follow the moment of filing; the deadlines are reckoned from it.
    unique += ("received_at", "updated_at", "due_at", "dispatch_due_at")
    got, want = _stored(Complaint, fast.pk), _stored(Complaint, plain.pk)
    assert _without(got, *unique) == _without(want, *unique)
    assert got["public_text"] != got["text"], "the phone number is masked in the public text"
    assert fast.pk != plain.pk and fast._state.adding is False and fast._state.db == "default"
    event_fast = Event.objects.get(complaint=fast, kind=Event.Kind.CREATED)
    event_plain = Event.objects.get(complaint=plain, kind=Event.Kind.CREATED)
    skip = ("id", "complaint_id", "created_at")
    assert _without(_stored(Event, event_fast.pk), *skip) == _without(
        _stored(Event, event_plain.pk), *skip
    )


def test_nulls_are_written_into_the_statement_and_values_passed(make_complaint, city):
    """A wide row keeps under psycopg's 50-parameter limit for caching its parsed form,
    and a value that differs only by being NULL gets a statement of its own."""
    from django.db import connection

    seen = []

    def spy(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "core_complaint"'):
            seen.append((sql, len(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        with_place = make_complaint(latitude="-7.98", longitude="112.63")
        without = make_complaint(kelurahan=None, address="Jl. Kawi 1", category=None)
    assert len(seen) == 2
    assert all(count <= 50 for _, count in seen), seen
    assert seen[0][0] != seen[1][0]
    assert seen[1][0].count("NULL") > seen[0][0].count("NULL")
    stored = _stored(Complaint, without.pk)
    assert (stored["kelurahan_id"], stored["category_id"], stored["latitude"]) == (None,) * 3
    assert _stored(Complaint, with_place.pk)["latitude"] is not None


def test_an_expression_as_a_value_takes_djangos_path(make_complaint):
    from django.db.models.functions import Now, Upper

    complaint = make_complaint()
    event = Event(complaint=complaint, kind=Event.Kind.UPDATE, note="x", created_at=Now())
    event.save()
    event.refresh_from_db()
    assert event.created_at is not None
    event2 = Event(complaint=complaint, kind=Event.Kind.UPDATE, note=Upper(F("actor_label")))
    with pytest.raises(Exception):  # noqa: B017 (Django refuses column references in an INSERT)
        event2.save()


def test_a_shape_is_used_only_for_the_fields_it_was_built_for(db):
    from aduan.core.compiled import _insert_shape

    fields = [f for f in Event._meta.local_concrete_fields if not f.primary_key]
    returning = Event._meta.db_returning_fields
    shape = _insert_shape(Event, "default", fields, returning)
    assert shape is not None and shape.built_for(fields, returning)
    swapped = [fields[1], fields[0], *fields[2:]]
    assert _insert_shape(Event, "default", swapped, returning) is None
