"""A URL map for the core tests: the real core URLs plus stand-ins for the navigation targets."""

from django.urls import include, path

from mash.core.tests import pages

contacts = (
    [path("", pages.stub, name="queue"), path("record/", pages.stub, name="record")],
    "contacts",
)
people = ([path("search/", pages.stub, name="search")], "people")
accounts = (
    [
        path("sign-out/", pages.stub, name="sign-out"),
        path("session/", pages.stub, name="session"),
        path("security/", pages.stub, name="security"),
    ],
    "accounts",
)
meetings = ([path("", pages.stub, name="list")], "meetings")
disputes = ([path("", pages.stub, name="list")], "disputes")
routing = ([path("", pages.stub, name="inboxes")], "routing")
messages = ([path("", pages.stub, name="messages")], "notifications")
alerts = ([path("", pages.stub, name="list")], "alerts")  # the header's alert count (issue 7)
reports = ([path("", pages.stub, name="index")], "reports")  # managers' reports (issue 8)
partner = (
    [path("", pages.stub, name="workspace"), path("export/", pages.stub, name="export")],
    "partner",
)

urlpatterns = [
    path("", include("mash.core.urls")),
    path("contacts/", include(contacts)),
    path("people/", include(people)),
    path("accounts/", include(accounts)),
    path("meetings/", include(meetings)),
    path("disputes/", include(disputes)),
    path("teams/", include(routing)),
    path("messages/", include(messages)),
    path("partner/", include(partner)),
    path("alerts/", include(alerts)),
    path("reports/", include(reports)),
    path("example-form/", pages.example_form, name="example-form"),
]

handler400 = "mash.core.views.bad_request"
handler403 = "mash.core.views.permission_denied"
handler404 = "mash.core.views.page_not_found"
handler500 = "mash.core.views.server_error"
