"""The administration of a municipality's category taxonomy."""

from typing import Any

import pytest

from tests.test_review import make_event
from trygg.audit.models import AuditEvent
from trygg.reports.models import Category
from trygg.tenants.models import Municipality


@pytest.fixture
def admin(personas: dict[str, Any], login: Any) -> Any:
    client = login(personas["admin"])
    client.cookies["django_language"] = "en"
    return client


def category(municipality: Municipality, code: str) -> Category:
    return Category.objects.get(municipality=municipality, code=code)


def audit_summaries(obj: Category) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="reports.category", object_id=str(obj.pk))
    return list(rows.order_by("id").values_list("summary", flat=True))


@pytest.mark.parametrize(
    "persona", ["reporter", "coordinator", "analyst", "steering", "police", "admin"]
)
def test_it_lets_only_admins_manage_categories(sala, personas, login, persona):
    client = login(personas[persona])
    ska = category(sala, "SKA")
    expected = 200 if persona == "admin" else 403
    for path in ["categories/", "categories/new/", f"categories/{ska.pk}/"]:
        assert client.get(f"/k/1981/{path}").status_code == expected, path
    response = client.post(f"/k/1981/categories/{ska.pk}/", {"active": "0"})
    assert response.status_code == (302 if persona == "admin" else 403)
    ska.refresh_from_db()
    assert ska.active is (persona != "admin")


def test_it_shows_the_taxonomy_as_a_tree_with_codes(sala, admin):
    body = admin.get("/k/1981/categories/").content.decode()
    ska, klo, sam = (body.index(f"<code>{c}</code>") for c in ("SKA", "SKA.KLO", "SAM"))
    assert ska < klo < sam
    assert "Skadegörelse" in body and "Vandalism" in body


def test_it_adds_a_top_category(sala, admin, personas):
    response = admin.post(
        "/k/1981/categories/new/", {"code": "TRA", "name": "Trafik", "name_en": "Traffic"}
    )
    assert response.status_code == 302
    new = category(sala, "TRA")
    assert (new.parent, new.name, new.name_en, new.active) == (None, "Trafik", "Traffic", True)
    assert new.position > category(sala, "OVR").position
    assert "<code>TRA</code>" in admin.get("/k/1981/categories/").content.decode()
    row = AuditEvent.objects.get(object_type="reports.category", object_id=str(new.pk))
    assert (row.action, row.username, row.municipality) == (
        "create",
        personas["admin"].username,
        sala,
    )


def test_it_adds_a_subcategory_with_a_dotted_code(sala, admin):
    ska = category(sala, "SKA")
    form = admin.get(f"/k/1981/categories/new/?parent={ska.pk}").content.decode()
    assert f'<option value="{ska.pk}" selected>' in form
    admin.post("/k/1981/categories/new/", {"parent": ska.pk, "code": "sta", "name": "Stöld"})
    sub = category(sala, "SKA.STA")
    assert sub.parent == ska
    assert audit_summaries(sub) == ["category SKA.STA Stöld"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "SKA", "name": "Again"}, "The code SKA is already used."),
        ({"parent": "SKA", "code": "KLO", "name": "Again"}, "The code SKA.KLO is already used."),
        ({"code": "AB-C", "name": "Dash"}, "Use 1 to 8 uppercase letters"),
        ({"code": "ÅÄÖ", "name": "Umlauts"}, "Use 1 to 8 uppercase letters"),
        ({"code": "ABCDEFGHIJ", "name": "Long"}, "Ensure this value has at most 8 characters"),
        ({"code": "", "name": "No code"}, "This field is required."),
        ({"code": "NEW", "name": ""}, "This field is required."),
        ({"parent": "SKA.KLO", "code": "DEEP", "name": "Deep"}, "Select a valid choice."),
        ({"parent": "999999", "code": "X", "name": "Nowhere"}, "Select a valid choice."),
    ],
)
def test_it_explains_invalid_new_categories(sala, admin, data, message):
    if data.get("parent", "").startswith("SKA"):
        data["parent"] = category(sala, data["parent"]).pk
    before = Category.objects.count()
    response = admin.post("/k/1981/categories/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Category.objects.count() == before


def test_it_refuses_another_tenants_category_as_parent(sala, kungsor, admin):
    foreign = category(kungsor, "SKA")
    response = admin.post(
        "/k/1981/categories/new/", {"parent": foreign.pk, "code": "X", "name": "X"}
    )
    assert "Select a valid choice." in response.content.decode()
    assert not Category.objects.filter(code__endswith=".X").exists()


def test_it_renames_a_category(sala, admin):
    klo = category(sala, "SKA.KLO")
    response = admin.post(
        f"/k/1981/categories/{klo.pk}/",
        {"name": "Klotter och tags", "name_en": "Graffiti and tags", "position": "3"},
    )
    assert response.status_code == 302
    klo.refresh_from_db()
    assert (klo.code, klo.name, klo.name_en, klo.position) == (
        "SKA.KLO",
        "Klotter och tags",
        "Graffiti and tags",
        3,
    )
    row = AuditEvent.objects.get(object_type="reports.category", object_id=str(klo.pk))
    assert row.detail["changes"]["name"] == ["Klotter", "Klotter och tags"]
    assert row.detail["changes"]["position"] == [0, 3]


def test_it_writes_no_audit_row_when_nothing_changed(sala, admin):
    klo = category(sala, "SKA.KLO")
    data = {"name": klo.name, "name_en": klo.name_en, "position": klo.position}
    assert admin.post(f"/k/1981/categories/{klo.pk}/", data).status_code == 302
    assert audit_summaries(klo) == []


def test_it_explains_an_invalid_rename(sala, admin):
    klo = category(sala, "SKA.KLO")
    response = admin.post(f"/k/1981/categories/{klo.pk}/", {"name": "", "position": "-1"})
    body = response.content.decode()
    assert "This field is required." in body
    assert "Ensure this value is greater than or equal to 0." in body
    klo.refresh_from_db()
    assert klo.name == "Klotter"


def test_it_retires_and_reactivates_a_category_that_old_events_keep(sala, admin, personas, login):
    klo = category(sala, "SKA.KLO")
    event = make_event(sala, "SKA", sub="KLO")
    admin.post(f"/k/1981/categories/{klo.pk}/", {"active": "0"})
    klo.refresh_from_db()
    assert not klo.active
    assert klo not in Category.objects.filter(municipality=sala).active()
    assert "retired" in admin.get("/k/1981/categories/").content.decode()
    detail = admin.get(f"/k/1981/events/{event.pk}/").content.decode()
    assert "SKA.KLO" in detail and "Graffiti" in detail
    admin.post(f"/k/1981/categories/{klo.pk}/", {"active": "1"})
    klo.refresh_from_db()
    assert klo.active
    assert audit_summaries(klo) == ["category SKA.KLO retired", "category SKA.KLO reactivated"]


def test_it_hides_other_tenants_categories(sala, kungsor, admin):
    foreign = category(kungsor, "SKA")
    assert admin.get(f"/k/1981/categories/{foreign.pk}/").status_code == 404
    assert admin.post(f"/k/1981/categories/{foreign.pk}/", {"active": "0"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.active


def test_it_hides_sala_categories_from_the_outsider(sala, kungsor, personas, login):
    ska = category(sala, "SKA")
    client = login(personas["outsider"])
    for path in ["categories/", "categories/new/", f"categories/{ska.pk}/"]:
        response = client.get(f"/k/1981/{path}")
        assert response.status_code == 404
        assert "Sala" not in response.content.decode()
    assert client.post(f"/k/1981/categories/{ska.pk}/", {"active": "0"}).status_code == 404
    response = client.post("/k/1981/categories/new/", {"code": "ZZZ", "name": "Z"})
    assert response.status_code == 404
    assert not Category.objects.filter(code="ZZZ").exists()
