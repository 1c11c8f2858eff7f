"""Complaint routing: learn from past dispatches which agency (or category) a complaint needs.

Framework-free: no Django here, so the model can be trained and evaluated from a CLI, tests and
benchmarks alike. See docs/routing.md for how the model selects itself.
"""

from .csvio import MissingColumnError, read_labelled_csv
from .evaluation import evaluate, order_by_date, parse_date
from .model import DEFAULT_PARAMS, PIPELINES, PRECISION_TARGETS, Prediction, RoutingModel
from .text import normalize_text
from .thresholds import NEVER, choose_threshold, guard

__all__ = [
    "DEFAULT_PARAMS",
    "NEVER",
    "PIPELINES",
    "PRECISION_TARGETS",
    "MissingColumnError",
    "Prediction",
    "RoutingModel",
    "choose_threshold",
    "evaluate",
    "guard",
    "normalize_text",
    "order_by_date",
    "parse_date",
    "read_labelled_csv",
]
