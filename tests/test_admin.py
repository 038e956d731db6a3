"""System administrators manage accounts; the audit trail is read only even to them."""

import pytest

from mash.accounts.models import User
from mash.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_can_list_users_and_read_audit_but_not_change_it(client, received):
    admin = User.objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    client.force_login(admin)
    assert client.get("/system-admin/accounts/user/").status_code == 200
    event = AuditEvent.objects.first()
    assert client.get(f"/system-admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/system-admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/system-admin/audit/auditevent/add/").status_code == 403


def test_staff_without_admin_flag_cannot_open_admin(client, carys):
    client.force_login(carys)
    assert client.get("/system-admin/").status_code == 302
