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
