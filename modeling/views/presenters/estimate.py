"""The train page's estimate of how long training takes, in words."""

from __future__ import annotations

import math

from modeling.services.training.estimate import TrainingEstimate


def estimate_text(estimate: TrainingEstimate, *, limit_seconds: float) -> str:
    """The train page's sentence for an estimate; `limit_seconds` is the safety limit on training."""
    if not estimate.train_documents:
        return "This split leaves no documents to train on."
    if not estimate.test_documents:
        return "This split leaves no documents to test on."
    bound = "up to about" if estimate.may_end_early else "about"
    documents = f"{estimate.train_documents:,} document{'s' if estimate.train_documents != 1 else ''}"
    text = (
        f"Training will take {bound} {_minutes(estimate.total_seconds)} "
        f"({_rounded(estimate.train_tokens):,} tokens in {documents}, {estimate.epochs} epochs)."
    )
    if estimate.small_project:
        text += " A small project: it trains a wider model on smaller batches, which learns more from little text."
    if estimate.total_seconds - estimate.evaluation_seconds > limit_seconds:
        text += f" That may pass the {_minutes(limit_seconds)} limit on training, which would stop the job."
    return text


def _minutes(seconds: float) -> str:
    """Whole minutes, rounded up: 61 s -> "2 minutes"; 6,000 s -> "1 hour 40 minutes"."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {minutes} minute{'s' if minutes != 1 else ''}" if minutes else text


def _rounded(tokens: int) -> int:
    """Three significant digits: the token count is estimated (31,042 -> 31,000)."""
    if tokens < 1000:
        return tokens
    digits = len(str(tokens)) - 3
    return round(tokens, -digits)
