"""Stand-in pages for the core tests: a stub for each navigation URL and an example form.

They let the layout, navigation and form macros be exercised (and checked with axe in a real
browser) without depending on the other apps' views.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import engines

from mash.core.forms import GovukDateField, GovukFormMixin, GovukTimeField

STUB_PAGE = """{% extends "layouts/base.html" %}
{% block page_title %}{{ title }}{% endblock %}
{% block content %}<h1 class="govuk-heading-l">{{ title }}</h1>{% endblock %}
"""

FORM_PAGE = """{% extends "layouts/base.html" %}
{% from "macros/forms.html" import error_summary, form_fields %}
{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
{% block page_title %}Example form{% endblock %}
{% block content %}
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
{{ error_summary(form) }}
<h1 class="govuk-heading-l">Example form</h1>
<form method="post" novalidate>
  {{ csrf_input }}
  {{ form_fields(form) }}
  {{ govukButton({"text": "Continue"}) }}
</form>
</div></div>
{% endblock %}
"""


class ExampleForm(GovukFormMixin, forms.Form):
    """One field of each kind the form macros render."""

    full_name = forms.CharField(label="Full name", max_length=50)
    nhs_number = forms.CharField(
        label="NHS number", required=False, help_text="A 10 digit number, like 943 476 5919"
    )
    summary = forms.CharField(label="Summary of the concern", widget=forms.Textarea)
    agency = forms.ChoiceField(
        label="Agency",
        choices=[("", "Select an agency"), ("police", "Police"), ("health", "Health")],
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=[("RED", "Red"), ("AMBER", "Amber"), ("GREEN", "Green")],
        widget=forms.RadioSelect,
    )
    checks = forms.MultipleChoiceField(
        label="Checks requested",
        choices=[("police", "Police"), ("health", "Health"), ("education", "Education")],
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label="The family agrees to information being shared",
        error_messages={"required": "Confirm the family agrees to information being shared"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth", past=True, help_text="For example, 27 3 2019"
    )
    received_time = GovukTimeField(
        label="Time received", help_text="For example, 9:30am or 15:30", required=False
    )


def render_string(
    request: HttpRequest, source: str, context: dict, status: int = 200
) -> HttpResponse:
    """Render a template given as a string with the Jinja2 engine."""
    template = engines["jinja2"].from_string(source)
    return HttpResponse(template.render(context, request), status=status)


def stub(request: HttpRequest, title: str = "Stub page") -> HttpResponse:
    """A plain page in the layout, standing in for another app's view."""
    return render_string(request, STUB_PAGE, {"title": title})


def example_form(request: HttpRequest) -> HttpResponse:
    """GET shows the form; an invalid POST shows it again with errors and a 400."""
    form = ExampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return stub(request, "Form accepted")
    status = 400 if form.is_bound else 200
    return render_string(request, FORM_PAGE, {"form": form}, status=status)
