"""Compatibility alias: `Record` lives in the model layer now (`pathbib.record`)."""

from ..record import REFUSED_KINDS, Answer, Lookup, Record

__all__ = ["REFUSED_KINDS", "Answer", "Lookup", "Record"]
