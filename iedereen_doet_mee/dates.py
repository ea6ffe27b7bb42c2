"""Calendar helpers used by the design, the simulator and the validator.

Months are calendar months: :func:`add_months` keeps the day of the month where it
exists and otherwise takes the month's last day, as a case manager would count.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = ["DAYS_PER_MONTH", "add_months", "parse_iso_date"]

#: Mean length of a Gregorian month in days (365.2425 / 12); converts simulated
#: durations in months to days.
DAYS_PER_MONTH = 365.2425 / 12


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the date ``months`` calendar months after ``day``.

    Parameters
    ----------
    day : datetime.date
        Starting date.
    months : int
        Number of calendar months to add (may be negative).

    Returns
    -------
    datetime.date
        The same day of the month, or the last day of the month when the target
        month is shorter.

    Examples
    --------
    >>> import datetime as dt
    >>> add_months(dt.date(2014, 7, 1), 24)
    datetime.date(2016, 7, 1)
    >>> add_months(dt.date(2015, 1, 31), 1)
    datetime.date(2015, 2, 28)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def parse_iso_date(value: object) -> dt.date:
    """Parse ``value`` as an ISO date (``YYYY-MM-DD``) or pass a date through.

    Raises
    ------
    ValueError
        When ``value`` is neither a :class:`datetime.date` nor an ISO date string.

    Examples
    --------
    >>> parse_iso_date("2016-07-01")
    datetime.date(2016, 7, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected an ISO date such as '2016-07-01', got {value!r}")
