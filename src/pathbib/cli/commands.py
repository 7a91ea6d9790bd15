"""Import every command module so that each registers itself on the app."""

from . import fmt_cmd  # noqa: F401
