"""Text patterns several modules share, written once."""

from __future__ import annotations

YEAR = r"(?:18|19|20)\d\d"  # a film year as reviews write it: 1895 to 2099
