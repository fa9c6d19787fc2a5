"""Placeholder: `merge` moves here from generator/recover.py."""

from ..recover import merge

__all__ = ["merge"]
