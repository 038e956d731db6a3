"""Census arithmetic the returns and the data quality page share (statutory-returns.md §2).

One definition each, so the CIN census and the data quality page cannot disagree about which
census year a day falls in, or which child is of school age (rule 8770Q).
"""

from __future__ import annotations

from datetime import date

__all__ = ["census_year_of", "of_school_age"]


def census_year_of(day: date) -> int:
    """The census (named by its end year) whose year `day` falls in: 2027 from 1 April 2026
    to 31 March 2027."""
    return day.year + (day >= date(day.year, 4, 1))


def of_school_age(born: date | None, census_year: int) -> bool:
    """Of school age for the census ending 31 March `census_year`, as rule 8770Q (and the
    DfE validator) counts it: five or over on the 31 August before the reference date, that
    is born on or before 31 August six years before `census_year`. There is no upper age: a
    child over 16 still needs a UPN or the reason there is none."""
    return born is not None and born <= date(census_year - 6, 8, 31)
