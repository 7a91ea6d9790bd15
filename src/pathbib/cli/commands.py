"""Import every command module so that each registers itself on the app."""

from . import fmt_cmd  # noqa: F401
from . import build_cmd  # noqa: F401
from . import enrich_cmd  # noqa: F401
from . import import_cmd  # noqa: F401
from . import check_cmd  # noqa: F401
from . import rename_key_cmd  # noqa: F401
