"""critica's cache directory: what is built once per machine from installed packages.

`$CRITICA_CACHE`, else `$XDG_CACHE_HOME/critica`, else `~/.cache/critica`. Every
entry's name carries a key of everything it is built from, so a changed input
builds a new entry instead of reading a stale one; writers never leave half an
entry (a file or a folder appears whole, by rename, or not at all).
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Where built graphs and tables are kept."""
    if os.environ.get("CRITICA_CACHE"):
        return Path(os.environ["CRITICA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "critica"
