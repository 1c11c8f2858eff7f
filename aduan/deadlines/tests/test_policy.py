"""Policy as data: which rule wins, what a rule means, when a ladder step fires."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from aduan.deadlines.models import EscalationStep, SlaRule, WorkingHours
from aduan.deadlines.policy import Policy, RuleData, StepData, add_amount, step_moment
from aduan.deadlines.store import get_calendar, get_policy
from aduan.lib.workcalendar import WorkCalendar

from .conftest import wib

ROADS, WASTE = 11, 12


def rules():
    return [
        RuleData(id=1, stage="resolution", amount=3, unit="working_days", multi_agency_amount=7),
        RuleData(id=2, stage="resolution", amount=1, unit="working_days", kind="informasi"),
        RuleData(id=3, stage="resolution", amount=5, unit="working_days", category_id=ROADS),
        RuleData(
            id=4,
            stage="resolution",
            amount=24,
            unit="clock_hours",
            category_id=ROADS,
            priority="darurat",
        ),
        RuleData(id=5, stage="resolution", amount=12, unit="clock_hours", priority="darurat"),
        RuleData(id=6, stage="dispatch", amount=24, unit="clock_hours"),
    ]


@pytest.mark.parametrize(
    ("kind", "category", "priority", "expected"),
    [
        ("pengaduan", WASTE, "normal", 1),  # only the stage default matches
        ("informasi", WASTE, "normal", 2),  # kind beats the default
        ("pengaduan", WASTE, "darurat", 5),  # priority beats the default
        ("informasi", WASTE, "darurat", 2),  # kind beats priority
        ("informasi", ROADS, "normal", 3),  # category beats kind
        ("pengaduan", ROADS, "darurat", 4),  # category + priority beats category alone
        ("pengaduan", None, "normal", 1),
    ],
)
def test_most_specific_rule_wins(kind, category, priority, expected):
    policy = Policy(rules(), [])
    rule = policy.rule_for("resolution", kind=kind, category_id=category, priority=priority)
    assert rule.id == expected


def test_stage_without_rule_has_no_deadline():
    policy = Policy(rules(), [])
    assert policy.rule_for("response", kind="pengaduan", category_id=None, priority="") is None


def test_multi_agency_amount_only_where_given():
    default, kind_rule = rules()[0], rules()[1]
    assert default.amount_for(multi_agency=True) == 7
    assert default.amount_for(multi_agency=False) == 3
    assert kind_rule.amount_for(multi_agency=True) == 1


def test_units():
    calendar = WorkCalendar()
    friday = wib(2026, 3, 6, 15, 0)
    assert add_amount(calendar, friday, 24, "clock_hours") == wib(2026, 3, 7, 15, 0)
    # Working days end at closing time; the weekend does not count.
    assert add_amount(calendar, friday, 1, "working_days") == wib(2026, 3, 9, 16, 0)
    # One working hour left on Friday, three more from Monday's opening.
    assert add_amount(calendar, friday, 4, "working_hours") == wib(2026, 3, 9, 11, 0)
    with pytest.raises(ValueError):
        add_amount(calendar, friday, 1, "fortnights")


def moment(step, start, base, unit, **paused):
    return step_moment(
        WorkCalendar(), step, started_at=start, base_due_at=base, due_at=base, unit=unit, **paused
    )


def test_fraction_of_clock_time():
    step = StepData(id=1, stage="response", order=10, action="remind_handlers", at_fraction=0.75)
    start = wib(2026, 3, 2, 10, 0)
    assert moment(step, start, start + timedelta(hours=24), "clock_hours") == wib(2026, 3, 3, 4, 0)


def test_fraction_of_working_time_skips_nights_and_weekend():
    step = StepData(id=1, stage="resolution", order=10, action="remind_handlers", at_fraction=0.75)
    # Friday 15:00 + 3 working days = Wednesday 16:00: 1 + 8 + 8 + 8 = 25 working hours;
    # 75% is 18.75 h: Friday 1 h, Monday 8 h, Tuesday 8 h, then 1.75 h into Wednesday.
    start, due = wib(2026, 3, 6, 15, 0), wib(2026, 3, 11, 16, 0)
    assert moment(step, start, due, "working_days") == wib(2026, 3, 11, 9, 45)


def test_offsets_from_deadline():
    due = wib(2026, 3, 5, 16, 0)  # Thursday closing
    base = {"stage": "resolution", "order": 20, "action": "warning_board"}
    at_deadline = StepData(id=1, offset_amount=0, offset_unit="", **base)
    before = StepData(id=2, offset_amount=-2, offset_unit="clock_hours", **base)
    one_day = StepData(id=3, offset_amount=1, offset_unit="working_days", **base)
    three_days = StepData(id=4, offset_amount=3, offset_unit="working_days", **base)
    hours = StepData(id=5, offset_amount=4, offset_unit="working_hours", **base)
    start = wib(2026, 3, 2, 10, 0)
    assert moment(at_deadline, start, due, "working_days") == due
    assert moment(before, start, due, "working_days") == wib(2026, 3, 5, 14, 0)
    assert moment(one_day, start, due, "working_days") == wib(2026, 3, 6, 16, 0)
    # Friday, then Monday and Tuesday.
    assert moment(three_days, start, due, "working_days") == wib(2026, 3, 10, 16, 0)
    assert moment(hours, start, due, "working_days") == wib(2026, 3, 6, 12, 0)


def test_no_deadline_no_step():
    step = StepData(id=1, stage="response", order=10, action="remind_handlers", at_fraction=0.5)
    assert moment(step, wib(2026, 3, 2, 10), None, "") is None


def test_default_preset_is_installed_by_migration(db):
    policy = get_policy()
    rule = policy.rule_for("resolution", kind="pengaduan", category_id=None, priority="normal")
    assert (rule.amount, rule.unit, rule.multi_agency_amount) == (3, "working_days", 7)
    dispatch = policy.rule_for("dispatch", kind="pengaduan", category_id=None, priority="normal")
    assert (dispatch.amount, dispatch.unit) == (24, "clock_hours")
    response = policy.rule_for("response", kind="aspirasi", category_id=None, priority="normal")
    assert (response.amount, response.unit) == (24, "clock_hours")
    actions = [s.action for s in policy.steps_for("resolution")]
    assert actions == ["remind_handlers", "warning_board", "notify_agency_head", "notify_pimpinan"]
    assert "auto_dispatch" in [s.action for s in policy.steps_for("dispatch")]
    assert WorkingHours.objects.count() == 5


def test_lapor_preset_command(db, capsys):
    call_command("deadlines", "preset", "lapor")
    policy = get_policy()
    dispatch = policy.rule_for("dispatch", kind="pengaduan", category_id=None, priority="normal")
    resolution = policy.rule_for(
        "resolution", kind="pengaduan", category_id=None, priority="normal"
    )
    assert (dispatch.amount, dispatch.unit) == (3, "working_days")
    assert (resolution.amount, resolution.unit, resolution.multi_agency_amount) == (
        5,
        "working_days",
        None,
    )
    assert policy.rule_for("response", kind="pengaduan", category_id=None, priority="") is None
    assert SlaRule.objects.count() == 2
    call_command("deadlines", "preset", "default")
    assert SlaRule.objects.count() == 3
    assert "preset default: 3 rules" in capsys.readouterr().out


def test_saving_a_rule_refreshes_the_cached_policy(city):
    get_policy()  # warm the cache
    SlaRule.objects.create(
        stage="resolution", category=city["water"], amount=2, unit="working_days"
    )
    rule = get_policy().rule_for(
        "resolution", kind="pengaduan", category_id=city["water"].pk, priority="normal"
    )
    assert rule.amount == 2


def test_saving_hours_refreshes_the_cached_calendar(db):
    assert not get_calendar().is_working_day(wib(2026, 3, 7).date())  # a Saturday
    WorkingHours.objects.create(weekday=5, opens="08:00", closes="12:00")
    assert get_calendar().is_working_day(wib(2026, 3, 7).date())


def test_show_command_lists_ladder(db, capsys):
    EscalationStep.objects.filter(stage="dispatch", action="auto_dispatch").update(is_active=False)
    call_command("deadlines", "show")
    out = capsys.readouterr().out
    assert "auto_dispatch" in out and "(inactive)" in out
    assert "-2 clock_hours from the deadline" in out
