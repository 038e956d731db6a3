"""Form fields and a form mixin whose error messages follow the GOV.UK Design System.

The messages name the thing that is wrong in plain English ("Enter date of birth", "Date of birth
must include a month"), as the GOV.UK error message guidance asks, instead of Django's generic
"This field is required.".
"""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.forms.utils import pretty_name
from django.utils import timezone

from mash.core.errors import ApplicationError
from mash.core.formatting import time_gb
from mash.workdays.text import MONTH_NAMES

DATE_PARTS = ("day", "month", "year")
CHOICE_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxInput)

_DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
_DJANGO_INVALID_CHOICE = str(forms.ChoiceField.default_error_messages["invalid_choice"])


def lower_first(text: str) -> str:
    """'Date of birth' -> 'date of birth', leaving acronyms alone ('NHS number')."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    """'date of birth' -> 'Date of birth'."""
    return text[:1].upper() + text[1:]


class PlainMessagesMixin:
    """Formats a field's error messages with its name: '{Name}' at the start of a sentence."""

    error_messages: dict[str, Any]

    def __init__(self, *, error_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_name = error_name

    def name_for_errors(self) -> str:
        """What the messages call the field: `error_name`, else the label."""
        return str(self.error_name or getattr(self, "label", None) or "this")

    def error(self, code: str, parts: tuple[str, ...] = (), **params: Any) -> ValidationError:
        """A ValidationError for `code`; `parts` names the date parts to highlight."""
        name = self.name_for_errors()
        message = str(self.error_messages[code]).format(
            name=lower_first(name), Name=upper_first(name), **params
        )
        return ValidationError(message, code=code, params={"parts": parts})


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year text boxes, posted as `<name>_day`, `<name>_month`, `<name>_year`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # GOV.UK: numeric keyboard on phones, but not type="number" (it mangles input).
        part = {"inputmode": "numeric"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            name: forms.TextInput(attrs=dict(part)) for name in DATE_PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        """A date as its three parts, for showing a saved value."""
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        """The day box: the first of the three, where the error summary link lands."""
        return f"{id_}_day" if id_ else ""


class GovukDateField(PlainMessagesMixin, forms.MultiValueField):
    """A date typed into three boxes, checked the GOV.UK way; returns a `datetime.date`.

    `past=True` refuses today and later dates. What the user typed is kept on error, because
    the widget's submitted parts are what the bound field shows.
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter {name}",
        "incomplete": "{Name} must include a {missing}",
        "invalid": "{Name} must be a real date",
        "year_length": "Year must include 4 numbers",
        "past": "{Name} must be in the past",
    }

    def __init__(self, *, past: bool = False, **kwargs: Any) -> None:
        parts = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(fields=parts, require_all_fields=False, **kwargs)
        self.past = past

    def clean(self, value: Any) -> dt.date | None:
        """Turn the typed parts into a date, or raise the first GOV.UK-style error."""
        if isinstance(value, dt.date):  # a disabled field's initial value
            return value
        typed = dict(zip(DATE_PARTS, strip_date_parts(value), strict=True))
        if not any(typed.values()):
            if self.required:
                raise self.error("required", DATE_PARTS)
            return None
        result = self._to_date(typed)
        self.run_validators(result)
        return result

    def compress(self, data_list: list[Any]) -> dt.date | None:
        """Not used: `clean` builds the date itself so each problem gets its own message."""
        return None

    def _to_date(self, typed: dict[str, str]) -> dt.date:
        missing = tuple(part for part in DATE_PARTS if not typed[part])
        if missing:
            raise self.error("incomplete", missing, missing=" and ".join(missing))
        numbers = {part: date_part_number(part, typed[part]) for part in DATE_PARTS}
        wrong = tuple(part for part in DATE_PARTS if numbers[part] is None)
        if wrong:
            raise self.error("invalid", wrong)
        if len(typed["year"]) != 4:
            raise self.error("year_length", ("year",))
        day, month, year = (numbers[part] or 0 for part in DATE_PARTS)  # all numbers by now
        try:
            result = dt.date(year, month, day)
        except (ValueError, OverflowError):  # OverflowError: a day of hundreds of digits
            raise self.error("invalid", _impossible_parts(month, year)) from None
        if self.past and result >= timezone.localdate():
            raise self.error("past", DATE_PARTS)
        return result


def strip_date_parts(value: Any) -> list[str]:
    parts = list(value) if isinstance(value, list | tuple) else []
    parts += [""] * (len(DATE_PARTS) - len(parts))
    return [str(part or "").strip() for part in parts[: len(DATE_PARTS)]]


def date_part_number(part: str, text: str) -> int | None:
    """The part as a number; months may also be typed as names ('Dec', 'December')."""
    if part == "month" and not (text.isascii() and text.isdigit()):
        names = {name.lower(): n for n, name in enumerate(MONTH_NAMES, start=1)}
        names |= {name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, start=1)}
        return names.get(text.lower())
    return int(text) if text.isascii() and text.isdigit() else None


def _impossible_parts(month: int, year: int) -> tuple[str, ...]:
    if not 1 <= month <= 12:
        return ("month",)
    if year < 1:
        return ("year",)
    return ("day",)


TIME_PATTERN = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?$"
)
NAMED_TIMES = {"midday": dt.time(12), "noon": dt.time(12), "midnight": dt.time(0)}


class GovukTimeField(PlainMessagesMixin, forms.Field):
    """A time typed as '15:30', '3:30pm', '3pm' or 'midday'; returns a `datetime.time`."""

    widget = forms.TextInput
    default_error_messages = {
        "required": "Enter {name}",
        "invalid": "{Name} must be a real time, like 9:30am or 15:30",
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        """A short box with no spellchecking or autofill, unless the widget sets a class."""
        attrs = {**super().widget_attrs(widget), "spellcheck": "false", "autocomplete": "off"}
        if "class" not in widget.attrs:
            attrs["class"] = "govuk-input--width-5"
        return attrs

    def prepare_value(self, value: Any) -> Any:
        """Show a saved time the way it is written everywhere else ('3:30pm')."""
        return time_gb(value) if isinstance(value, dt.time) else value

    def to_python(self, value: Any) -> dt.time | None:
        """Parse the typed text; empty means None."""
        if isinstance(value, dt.time):
            return value
        text = str(value or "").strip().lower()
        if not text:
            return None
        parsed = NAMED_TIMES.get(text) or _parse_time(text)
        if parsed is None:
            raise self.error("invalid")
        return parsed

    def validate(self, value: Any) -> None:
        """Required check with the field's own plain message."""
        if value is None and self.required:
            raise self.error("required")


def _parse_time(text: str) -> dt.time | None:
    match = TIME_PATTERN.match(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match["minute"] is None:
        return None  # a bare '3' could be 3am or 3pm
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class GovukFormMixin:
    """Plain-English messages for every field, and domain errors shown as form errors.

    Messages use `error_names[field]` when the label is a question ("What is the child's name?")
    and would read badly in "Enter …". Custom messages a field already has are kept.
    """

    error_names: dict[str, str] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            error_name = self.error_names.get(name) or str(field.label or pretty_name(name))
            if isinstance(field, PlainMessagesMixin):
                field.error_name = field.error_name or error_name
            else:
                _plain_messages(field, error_name)

    def add_application_error(self, error: ApplicationError) -> None:
        """Show a domain rule's message against its field, or the whole form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


def _plain_messages(field: forms.Field, name: str) -> None:
    messages = field.error_messages
    verb = "Select" if isinstance(field.widget, CHOICE_WIDGETS) else "Enter"
    if str(messages.get("required")) == _DJANGO_REQUIRED:
        messages["required"] = f"{verb} {lower_first(name)}"
    if str(messages.get("invalid_choice", "")) == _DJANGO_INVALID_CHOICE:
        messages["invalid_choice"] = f"Select {lower_first(name)} from the list"  # noqa: S608 - not SQL  # nosec B608
    if isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{upper_first(name)} must be a number"
    field.validators = [_plain_length_validator(v, name) for v in field.validators]


def _plain_length_validator(validator: Any, name: str) -> Any:
    # Replaced, not edited: validator objects are shared with the form class's base fields.
    # A validator given its own message keeps it (the message is then an instance attribute).
    if "message" in vars(validator):
        return validator
    if type(validator) is MaxLengthValidator:
        message = f"{upper_first(name)} must be {validator.limit_value} characters or fewer"
        return MaxLengthValidator(validator.limit_value, message=message)
    if type(validator) is MinLengthValidator:
        message = f"{upper_first(name)} must be {validator.limit_value} characters or more"
        return MinLengthValidator(validator.limit_value, message=message)
    return validator
