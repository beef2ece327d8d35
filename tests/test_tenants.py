from trygg.audit.models import AuditEvent
from trygg.tenants.models import Membership, Organisation, Role

from .conftest import PASSWORD, make_user

VIEWERS = ["coordinator", "analyst", "steering", "police", "admin"]


def test_it_sends_each_user_to_their_municipality(personas, login):
    response = login(personas["coordinator"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/k/1981/"


def test_it_lets_a_user_of_two_municipalities_choose(personas, kungsor, login):
    user = personas["coordinator"]
    org = Organisation.objects.get(municipality=kungsor)
    Membership.objects.create(user=user, organisation=org, role=Role.ANALYST)
    response = login(user).get("/")
    assert response.status_code == 200
    assert b"/k/1960/" in response.content and b"/k/1981/" in response.content


def test_it_requires_login(db):
    from django.test import Client

    response = Client().get("/k/1981/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_logs_in_with_a_password_and_audits_it(personas):
    from django.test import Client

    username = personas["reporter"].username
    client = Client()
    response = client.post("/login/", {"username": username, "password": "nope"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="login_failed").count() == 1
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    login_row = AuditEvent.objects.get(action="login")
    assert login_row.username == username
    assert login_row.municipality.code == "1981"


def test_it_shows_the_dashboard_to_viewers_and_sends_reporters_to_the_form(personas, login):
    for name in VIEWERS:
        assert login(personas[name]).get("/k/1981/").status_code == 200, name
    response = login(personas["reporter"]).get("/k/1981/")
    assert response.status_code == 302
    assert response["Location"] == "/k/1981/report/new/"


def test_it_lets_the_admin_add_an_organisation(personas, login):
    client = login(personas["admin"])
    response = client.post(
        "/k/1981/organisations/", {"name": "Salabostäder AB", "kind": "bostad", "active": "on"}
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Salabostäder AB")
    assert org.municipality.code == "1981" and org.kind == "bostad"
    assert AuditEvent.objects.filter(object_type="tenants.organisation", action="create").exists()
    again = client.post("/k/1981/organisations/", {"name": "Salabostäder AB", "kind": "bostad"})
    assert again.status_code == 200
    assert "finns redan" in again.content.decode() or "already exists" in again.content.decode()
    assert Organisation.objects.filter(name="Salabostäder AB").count() == 1


def test_it_rejects_an_unknown_organisation_kind(personas, login):
    response = login(personas["admin"]).post(
        "/k/1981/organisations/", {"name": "X", "kind": "<script>"}
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="X").exists()


def test_it_lets_the_admin_add_a_reporter_who_can_then_log_in(personas, login):
    from django.test import Client

    org = Organisation.objects.get(name="Sala kommun")
    response = login(personas["admin"]).post(
        "/k/1981/members/",
        {
            "username": "vaktare7",
            "password": "Ett-langt-losenord-2026",
            "organisation": org.pk,
            "role": Role.REPORTER,
        },
    )
    assert response.status_code == 302
    client = Client()
    assert client.login(username="vaktare7", password="Ett-langt-losenord-2026")
    assert client.get("/k/1981/report/new/").status_code != 404


def test_it_requires_a_good_password_for_a_new_user(personas, login):
    org = Organisation.objects.get(name="Sala kommun")
    client = login(personas["admin"])
    for password in ["", "123"]:
        response = client.post(
            "/k/1981/members/",
            {"username": "ny", "password": password, "organisation": org.pk, "role": "rapportor"},
        )
        assert response.status_code == 200
    assert not Membership.objects.filter(user__username="ny").exists()


def test_it_does_not_reuse_another_municipalitys_account(personas, login):
    org = Organisation.objects.get(name="Sala kommun")
    response = login(personas["admin"]).post(
        "/k/1981/members/",
        {"username": personas["outsider"].username, "organisation": org.pk, "role": "admin"},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=personas["outsider"], organisation=org).exists()


def test_it_refuses_an_organisation_of_another_municipality(personas, login):
    foreign = Organisation.objects.get(municipality__code="1960")
    response = login(personas["admin"]).post(
        "/k/1981/members/",
        {"username": "ny", "password": "Ett-langt-losenord-2026", "organisation": foreign.pk,
         "role": "rapportor"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Membership.objects.filter(organisation=foreign, user__username="ny").exists()


def test_it_cuts_access_when_a_membership_is_deactivated(personas, login):
    reporter = personas["reporter"]
    membership = reporter.memberships.get()
    response = login(personas["admin"]).post(
        f"/k/1981/members/{membership.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 302
    assert login(reporter).get("/k/1981/report/new/").status_code == 404
    login(personas["admin"]).post(f"/k/1981/members/{membership.pk}/active/", {"active": "1"})
    assert login(reporter).get("/k/1981/report/new/").status_code == 200


def test_it_does_not_let_the_admin_lock_themself_out(personas, login):
    membership = personas["admin"].memberships.get()
    login(personas["admin"]).post(f"/k/1981/members/{membership.pk}/active/", {"active": "0"})
    membership.refresh_from_db()
    assert membership.active


def test_it_keeps_administration_to_admins(personas, login):
    org = Organisation.objects.get(name="Sala kommun")
    membership = personas["admin"].memberships.get()
    urls = ["/k/1981/organisations/", f"/k/1981/organisations/{org.pk}/", "/k/1981/members/"]
    for name in ["reporter", "coordinator", "analyst", "steering", "police"]:
        client = login(personas[name])
        for url in urls:
            assert client.get(url).status_code == 403, (name, url)
        post = client.post(f"/k/1981/members/{membership.pk}/active/", {"active": "0"})
        assert post.status_code == 403
    outsider = login(personas["outsider"])
    for url in [*urls, f"/k/1981/members/{membership.pk}/active/"]:
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert b"Sala" not in response.content


def test_it_hides_other_tenants_objects_from_the_admin(personas, login):
    foreign = Organisation.objects.get(municipality__code="1960")
    foreign_member = personas["outsider"].memberships.get()
    client = login(personas["admin"])
    assert client.get(f"/k/1981/organisations/{foreign.pk}/").status_code == 404
    post = client.post(f"/k/1981/members/{foreign_member.pk}/active/", {"active": "0"})
    assert post.status_code == 404
    foreign_member.refresh_from_db()
    assert foreign_member.active


def test_it_lists_only_this_municipalitys_members(personas, login):
    make_user(personas["outsider"].memberships.get().organisation.municipality, Role.REPORTER)
    content = login(personas["admin"]).get("/k/1981/members/").content.decode()
    assert personas["reporter"].username in content
    assert "1960" not in content
