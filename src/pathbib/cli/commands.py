"""Import every command module so that each registers itself on the app."""

from . import (
    build_cmd,  # noqa: F401
    check_cmd,  # noqa: F401
    enrich_cmd,  # noqa: F401
    fmt_cmd,  # noqa: F401
    import_cmd,  # noqa: F401
    rename_key_cmd,  # noqa: F401
)
