"""Publication dates from metadata strings, as naive UTC."""

from __future__ import annotations

import datetime as dt
import time
from email.utils import parsedate_to_datetime


def to_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def parse_published(value: object) -> dt.datetime | None:
    """ISO 8601, RFC 822 or a struct_time; None when it is not a recognisable timestamp."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return to_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, time.struct_time):
        return dt.datetime(*value[:6])
    s = str(value).strip()
    try:
        return to_utc(dt.datetime.fromisoformat(s.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return to_utc(parsedate_to_datetime(s))
    except (TypeError, ValueError, IndexError):
        return None
