"""Ready-made deadline policies and the default escalation ladder, as plain data.

Plain dictionaries (no model imports) so that the data migration can load them with
historical models, and the ``aduan deadlines preset`` command with the current ones.
"""

from __future__ import annotations

# Perwali Kota Malang 19/2010, as the seeds report it: a response within 1x24 hours,
# handling within 3 days, 3 to 7 days when several agencies must coordinate.
DEFAULT_RULES = [
    {
        "stage": "dispatch",
        "amount": 24,
        "unit": "clock_hours",
        "note": "Disposisi 1x24 jam sejak aduan diterima",
    },
    {
        "stage": "response",
        "amount": 24,
        "unit": "clock_hours",
        "note": "Tanggapan OPD 1x24 jam sejak disposisi (Perwali 19/2010)",
    },
    {
        "stage": "resolution",
        "amount": 3,
        "unit": "working_days",
        "multi_agency_amount": 7,
        "note": "Penyelesaian 3 hari kerja, 7 bila melibatkan beberapa OPD (Perwali 19/2010)",
    },
]

# LAPOR! (SP4N): 3 working days to verify and pass on, 5 working days to follow up.
LAPOR_RULES = [
    {
        "stage": "dispatch",
        "amount": 3,
        "unit": "working_days",
        "note": "LAPOR!: verifikasi dan disposisi 3 hari kerja",
    },
    {
        "stage": "resolution",
        "amount": 5,
        "unit": "working_days",
        "note": "LAPOR!: tindak lanjut 5 hari kerja",
    },
]

PRESETS = {"default": DEFAULT_RULES, "lapor": LAPOR_RULES}


def _agency_ladder(stage: str) -> list[dict]:
    return [
        # A quarter of the time left: the handlers are reminded.
        {"stage": stage, "order": 10, "action": "remind_handlers", "at_fraction": "0.75"},
        # At the deadline: onto the warning board every admin of every agency sees.
        {"stage": stage, "order": 20, "action": "warning_board", "offset_amount": 0},
        {
            "stage": stage,
            "order": 30,
            "action": "notify_agency_head",
            "offset_amount": 1,
            "offset_unit": "working_days",
        },
        {
            "stage": stage,
            "order": 40,
            "action": "notify_pimpinan",
            "offset_amount": 3,
            "offset_unit": "working_days",
        },
    ]


DEFAULT_LADDER = [
    # The moderators on duty (piket) are reminded at any hour: that is what the rota is for.
    {
        "stage": "dispatch",
        "order": 10,
        "action": "remind_handlers",
        "at_fraction": "0.75",
        "respect_working_hours": False,
    },
    # Nobody acted: the system dispatches by category two hours before the deadline.
    {
        "stage": "dispatch",
        "order": 15,
        "action": "auto_dispatch",
        "offset_amount": -2,
        "offset_unit": "clock_hours",
        "respect_working_hours": False,
    },
    *_agency_ladder("dispatch")[1:],
    *_agency_ladder("response"),
    *_agency_ladder("resolution"),
]

# Monday to Friday, 08:00 to 16:00 (Asia/Jakarta unless TIME_ZONE says otherwise).
DEFAULT_HOURS = [{"weekday": day, "opens": "08:00", "closes": "16:00"} for day in range(5)]


def install_rules(sla_rule_model, name: str) -> int:
    """Replace every SLA rule with preset ``name``; returns the number of rules."""
    rules = PRESETS[name]
    sla_rule_model.objects.all().delete()
    sla_rule_model.objects.bulk_create([sla_rule_model(**rule) for rule in rules])
    return len(rules)


def install_ladder(step_model) -> int:
    """Add the default ladder's steps that are missing (by stage and order)."""
    existing = set(step_model.objects.values_list("stage", "order"))
    new = [
        step_model(**{"respect_working_hours": True, **step})
        for step in DEFAULT_LADDER
        if (step["stage"], step["order"]) not in existing
    ]
    step_model.objects.bulk_create(new)
    return len(new)


def install_hours(hours_model) -> int:
    if hours_model.objects.exists():
        return 0
    hours_model.objects.bulk_create([hours_model(**row) for row in DEFAULT_HOURS])
    return len(DEFAULT_HOURS)
