"""Settings for `make run` on one machine."""

from .base import *  # noqa: F403
