"""Django admin is for the superuser; school users never reach it."""

from django.test import Client

from tests.factories import UserFactory


def test_admin_for_superuser_only(world):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    for path in ("/admin/", "/admin/core/school/", "/admin/core/user/", "/admin/core/room/",
                 "/admin/core/signoff/", f"/admin/core/user/{world.user('director').pk}/change/"):
        assert client.get(path).status_code == 200, path
    assert world.client("principal").get("/admin/").status_code == 302
