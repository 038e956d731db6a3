"""URL map: staff pages, the public forms, the partner API and the health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mash.accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("mash.core.urls")),
    path("", include("mash.accounts.urls")),
    path("contacts/", include("mash.contacts.urls")),
    path("contacts/", include("mash.sharing.urls")),
    path("contacts/", include("mash.letters.urls")),
    path("partner/", include("mash.sharing.partner_urls")),
    path("", include("mash.meetings.urls")),
    path("", include("mash.routing.urls")),
    path("disputes/", include("mash.disputes.urls")),
    path("people/", include("mash.people.urls")),
    path("people/", include("mash.dataprotection.person_urls")),
    path("data-protection/", include("mash.dataprotection.urls")),
    path("duplicates/", include("mash.matching.urls")),
    path("request-help/", include("mash.contacts.public_urls")),
    path("api/v1/", include(("mash.api.urls", "api"))),
    path("audit/", include("mash.audit.urls")),
    path("messages/", include("mash.notifications.urls")),
    path("alerts/", include("mash.alerts.urls")),
    path("reports/", include("mash.reports.urls")),
    path("reports/dip-samples/", include("mash.sampling.urls")),
    path("returns/", include("mash.returns.urls")),
    path("system-admin/", admin.site.urls),
]

if getattr(settings, "MASH_OIDC_ENABLED", False):  # council single sign-on (ADR 0011)
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "mash.core.views.bad_request"
handler403 = "mash.core.views.permission_denied"
handler404 = "mash.core.views.page_not_found"
handler500 = "mash.core.views.server_error"
