"""Text patterns several modules share, written once."""

from __future__ import annotations

QUOTE_MARKS = "\"'“”«»‘’"  # straight, curly and angle quotes around a title
YEAR = r"(?:18|19|20)\d\d"  # a film year as reviews write it: 1895 to 2099
