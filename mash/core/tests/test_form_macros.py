"""The form macros render Django fields as GOV.UK components, errors and all."""

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.template import engines

from mash.core.form_rendering import error_summary_items, has_errors
from mash.core.forms import GovukFormMixin
from mash.core.tests.pages import ExampleForm

INVALID_POST = {
    "full_name": "Amelia Hughes",
    "summary": "",
    "agency": "police",
    "rag": "AMBER",
    "checks": ["health", "education"],
    "date_of_birth_day": "12",
    "date_of_birth_month": "",
    "date_of_birth_year": "2019",
    "received_time": "half three",
}


def render(source: str, **context: object) -> BeautifulSoup:
    html = engines["jinja2"].from_string(source).render(context)
    return BeautifulSoup(html, "html.parser")


def render_field(field: forms.BoundField, params: dict | None = None) -> BeautifulSoup:
    source = '{% from "macros/forms.html" import govuk_field %}{{ govuk_field(field, params) }}'
    return render(source, field=field, params=params or {})


@pytest.fixture
def invalid_form() -> ExampleForm:
    form = ExampleForm(INVALID_POST)
    assert not form.is_valid()
    return form


def test_error_summary_links_each_message_to_its_field(invalid_form: ExampleForm) -> None:
    page = render(
        '{% from "macros/forms.html" import error_summary %}{{ error_summary(form) }}',
        form=invalid_form,
    )
    links = [(a["href"], a.get_text(strip=True)) for a in page.select(".govuk-error-summary a")]
    assert links == [
        ("#id_summary", "Enter summary of the concern"),
        ("#id_consent", "Confirm the family agrees to information being shared"),
        ("#id_date_of_birth_month", "Date of birth must include a month"),
        ("#id_received_time", "Time received must be a real time, like 9:30am or 15:30"),
    ]
    assert page.select_one(".govuk-error-summary__title").get_text(strip=True) == (
        "There is a problem"
    )


def test_every_summary_link_has_a_target_on_the_page(invalid_form: ExampleForm) -> None:
    source = '{% from "macros/forms.html" import error_summary, form_fields %}'
    source += "{{ error_summary(form) }}{{ form_fields(form) }}"
    page = render(source, form=invalid_form)
    for link in page.select(".govuk-error-summary a"):
        assert page.find(id=link["href"][1:]) is not None, link["href"]


def test_radio_and_checkbox_errors_link_to_the_first_option() -> None:
    form = ExampleForm({})
    hrefs = {item["text"]: item.get("href") for item in error_summary_items(form)}
    assert hrefs["Select RAG rating"] == "#id_rag"
    assert hrefs["Select checks requested"] == "#id_checks"
    page = render_field(form["rag"])
    assert page.select("input[type=radio]")[0]["id"] == "id_rag"


def test_text_input_keeps_value_label_hint_and_id(invalid_form: ExampleForm) -> None:
    page = render_field(invalid_form["full_name"])
    field = page.select_one("input")
    assert field["id"] == "id_full_name"
    assert field["name"] == "full_name"
    assert field["value"] == "Amelia Hughes"
    assert "maxlength" not in field.attrs
    assert page.select_one("label")["for"] == "id_full_name"
    hinted = render_field(invalid_form["nhs_number"])
    assert hinted.select_one(".govuk-hint").get_text(strip=True).startswith("A 10 digit number")
    assert "id_nhs_number-hint" in hinted.select_one("input")["aria-describedby"]


def test_field_error_is_shown_on_the_field(invalid_form: ExampleForm) -> None:
    page = render_field(invalid_form["summary"])
    assert page.select_one(".govuk-form-group--error")
    assert page.select_one("textarea")["id"] == "id_summary"
    message = page.select_one(".govuk-error-message").get_text(" ", strip=True)
    assert message == "Error: Enter summary of the concern"


def test_is_page_heading_wraps_the_label_in_h1(invalid_form: ExampleForm) -> None:
    page = render_field(invalid_form["full_name"], {"isPageHeading": True})
    heading = page.select_one("h1.govuk-label-wrapper label.govuk-label--l")
    assert heading.get_text(strip=True) == "Full name"
    legend = render_field(invalid_form["rag"], {"isPageHeading": True})
    assert legend.select_one("legend.govuk-fieldset__legend--l h1")


def test_params_merge_over_the_defaults(invalid_form: ExampleForm) -> None:
    page = render_field(invalid_form["full_name"], {"label": {"classes": "govuk-label--m"}})
    label = page.select_one("label")
    assert label.get_text(strip=True) == "Full name"
    assert "govuk-label--m" in label["class"]


def test_select_keeps_the_chosen_option(invalid_form: ExampleForm) -> None:
    page = render_field(invalid_form["agency"])
    assert page.select_one("select")["id"] == "id_agency"
    assert page.select_one("option[selected]")["value"] == "police"


def test_radios_and_checkboxes_keep_the_choices(invalid_form: ExampleForm) -> None:
    radios = render_field(invalid_form["rag"])
    assert [i["value"] for i in radios.select("input[checked]")] == ["AMBER"]
    assert radios.select_one("legend").get_text(strip=True) == "RAG rating"
    boxes = render_field(invalid_form["checks"])
    assert [i["value"] for i in boxes.select("input[checked]")] == ["health", "education"]
    assert {i["name"] for i in boxes.select("input")} == {"checks"}


def test_single_checkbox_is_labelled_by_the_field() -> None:
    form = ExampleForm({"consent": "true"})
    form.is_valid()
    page = render_field(form["consent"])
    box = page.select_one("input[type=checkbox]")
    assert (box["id"], box["name"], box["value"]) == ("id_consent", "consent", "true")
    assert "checked" in box.attrs
    assert page.select_one("label[for=id_consent]").get_text(strip=True).startswith("The family")


def test_date_input_keeps_parts_and_highlights_only_the_wrong_one(
    invalid_form: ExampleForm,
) -> None:
    page = render_field(invalid_form["date_of_birth"])
    inputs = {i["name"]: i for i in page.select("input")}
    assert inputs["date_of_birth_day"]["value"] == "12"
    assert inputs["date_of_birth_year"]["value"] == "2019"
    assert inputs["date_of_birth_day"]["id"] == "id_date_of_birth_day"
    assert inputs["date_of_birth_day"]["inputmode"] == "numeric"
    wrong = [i["name"] for i in page.select("input.govuk-input--error")]
    assert wrong == ["date_of_birth_month"]
    assert page.select_one("fieldset legend").get_text(strip=True) == "Date of birth"


def test_time_input_keeps_what_was_typed(invalid_form: ExampleForm) -> None:
    field = render_field(invalid_form["received_time"]).select_one("input")
    assert field["value"] == "half three"
    assert field["spellcheck"] == "false"


class ChildForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(label="First name")


ChildFormSet = forms.formset_factory(ChildForm, extra=0, min_num=1, validate_min=True)


def formset_data(**extra: str) -> dict[str, str]:
    return {"child-TOTAL_FORMS": "2", "child-INITIAL_FORMS": "0", **extra}


def test_formset_renders_management_form_and_numbered_fieldsets() -> None:
    formset = ChildFormSet(formset_data(**{"child-0-first_name": "Amelia"}), prefix="child")
    formset.is_valid()
    source = '{% from "macros/forms.html" import formset_forms %}'
    source += '{{ formset_forms(formset, legend="Child") }}'
    page = render(source, formset=formset)
    assert page.select_one("input[name=child-TOTAL_FORMS]")["value"] == "2"
    legends = [legend.get_text(strip=True) for legend in page.select("legend")]
    assert legends == ["Child 1", "Child 2"]
    assert page.select_one("#id_child-0-first_name")["value"] == "Amelia"


def test_error_summary_covers_forms_and_formsets() -> None:
    form = ExampleForm({})
    formset = ChildFormSet(formset_data(), prefix="child")
    items = error_summary_items(form, formset)
    assert {"text": "Enter first name", "href": "#id_child-0-first_name"} in items
    assert items[0] == {"text": "Enter full name", "href": "#id_full_name"}
    assert {"text": "Please submit at least 1 form.", "href": f"#{formset.prefix}"} in items
    assert has_errors(form, formset)
    assert not has_errors(ExampleForm(), None)


def test_non_field_errors_are_listed_without_a_link() -> None:
    form = ExampleForm({})
    form.add_error(None, "This contact has already been decided")
    assert error_summary_items(form)[0] == {"text": "This contact has already been decided"}
