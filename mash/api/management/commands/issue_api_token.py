"""`mash issue_api_token --agency police --name "Police case system" --source 6`.

Prints the token once; only its SHA-256 hash is stored, so a lost token is replaced, not read.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.contacts.models import Contact


class Command(BaseCommand):
    help = "Issue a partner API token for an agency's system (printed once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="Agency code from the policy profile.")
        parser.add_argument("--name", required=True, help="Name of the partner system.")
        parser.add_argument(
            "--source",
            required=True,
            help="CIN census referral source code for its contacts, e.g. 6 for police.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            codes = (
                ", ".join(Agency.objects.values_list("code", flat=True))
                or "none (run mash seed or sync)"
            )
            raise CommandError(f"No agency with code {options['agency']!r}. Known codes: {codes}.")
        if options["source"] not in Contact.ReferrerSource.values:
            raise CommandError(
                f"Unknown referral source {options['source']!r}. Use one of: "
                + ", ".join(Contact.ReferrerSource.values)
                + "."
            )
        client, token = PartnerApiClient.issue(
            name=options["name"], agency=agency, referrer_source=options["source"]
        )
        self.stdout.write(token)
        self.stderr.write(
            f"Issued for {client.name} ({agency.name}). Store it now: it is not shown again."
        )
