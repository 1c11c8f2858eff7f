"""Complaint routing: learn from past dispatches which agency (or category) a complaint needs.

Framework-free: no Django here, so the model can be trained and evaluated from a CLI, tests and
benchmarks alike. See docs/benchmarks.md for how the defaults were chosen.
"""

from .csvio import MissingColumnError, read_labelled_csv
from .evaluation import NEVER, choose_threshold, evaluate
from .model import DEFAULT_PARAMS, Prediction, RoutingModel
from .text import normalize_text

__all__ = [
    "DEFAULT_PARAMS",
    "NEVER",
    "MissingColumnError",
    "Prediction",
    "RoutingModel",
    "choose_threshold",
    "evaluate",
    "normalize_text",
    "read_labelled_csv",
]
