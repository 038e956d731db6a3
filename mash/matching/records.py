"""The person record the matcher compares: one shape for the database, the API and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PersonRecord:
    """What is known of one person, as written on one record.

    Every field may be empty: referrals are often partial. A date of birth may be known only in
    part (year and month, say), so it is held as three optional numbers.
    """

    record_id: str
    given_names: str = ""
    family_name: str = ""
    aliases: tuple[str, ...] = ()  # "Given Family" strings: previous names, known-as names
    sex: str = ""  # "F", "M" or "" when not known
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    address: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    other_id: str = ""  # any other shared identifier, e.g. a source system's number
    household: tuple[str, ...] = field(default=())  # names of people recorded with them
    cluster_id: str = ""  # the known truth, for benchmarks only

    def written_names(self) -> list[tuple[str, str, bool]]:
        """(given names, family name, is an alias) for the name and each alias as written.

        An alias is "Given Family": its last word is the family name (a hyphenated one stays
        whole).
        """
        found = [(self.given_names, self.family_name, False)]
        for alias in self.aliases:
            words = alias.split()
            if words:
                found.append((" ".join(words[:-1]), words[-1], True))
        return found

    @property
    def full_birth(self) -> str | None:
        """The date of birth as YYYYMMDD when it is known in full, else None."""
        if self.birth_year and self.birth_month and self.birth_day:
            return f"{self.birth_year:04d}{self.birth_month:02d}{self.birth_day:02d}"
        return None

    @classmethod
    def with_birth_date(cls, record_id: str, born: date | None, **fields: object) -> PersonRecord:
        """A record whose date of birth is known in full (or not at all)."""
        if born is None:
            return cls(record_id, **fields)  # type: ignore[arg-type]
        return cls(
            record_id,
            birth_year=born.year,
            birth_month=born.month,
            birth_day=born.day,
            **fields,  # type: ignore[arg-type]
        )
