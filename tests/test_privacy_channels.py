"""Personal data on every channel where free text enters (trygg/privacy.py, its docstring).

A generated test walks every form class of Trygg: each text field is checked or declared
exempt with a reason, so a new field without a decision fails. Then the front doors: a
personnummer sent through the tip form, the API, Open311 and a cycle form is refused with a
message naming it; one in an imported police notice is masked and counted.
"""

import importlib
import inspect
import io
import json
import pkgutil
from pathlib import Path
from typing import Any

from django import forms
from django.core.management import call_command
from django.test import Client
from django.utils import translation

import trygg
from trygg.api.services import create_open311_key
from trygg.cycle.models import Action
from trygg.police.models import PoliceEvent
from trygg.privacy import EXEMPT, NoPersonalDataForm, text_fields
from trygg.reports.models import Event
from trygg.tenants.access import access_municipality
from trygg.tips.models import Tip

from .test_api import org_of, post, report_body, token_for
from .test_review import CENTRE
from .test_tips import FORM, form_data

PNR = "811218-9876"  # a valid personnummer (date and Luhn digit)
SAID = "personal identity number"
POLICE_FIXTURE = Path(__file__).parent / "fixtures" / "police" / "events_archive_slice.json"


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module in pkgutil.walk_packages(trygg.__path__, "trygg."):
        if ".migrations" in module.name or ".management" in module.name:
            continue
        for _name, obj in vars(importlib.import_module(module.name)).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.name
            ):
                found.append(obj)
    return found


def test_every_text_field_of_every_form_is_checked_or_declared_exempt() -> None:
    classes = form_classes()
    assert len(classes) > 40  # the walk found the forms
    undecided, checked = [], 0
    for form in classes:
        name = f"{form.__module__}.{form.__qualname__}"
        for field in text_fields(form):
            if issubclass(form, NoPersonalDataForm):
                reason = form.personal_data_allowed.get(field)
                if reason is None:
                    checked += 1
                    continue
            else:
                reason = EXEMPT.get(name)
            if not (reason and reason.strip()):
                undecided.append(f"{name}.{field}")
    assert not undecided, (
        "text fields with neither a personal-data check nor a declared exemption (make the "
        f"form a trygg.privacy.NoPersonalDataForm, or declare why): {undecided}"
    )
    assert checked > 60
    stale = [n for n in EXEMPT if n not in {f"{c.__module__}.{c.__qualname__}" for c in classes}]
    assert not stale, f"trygg.privacy.EXEMPT names forms that do not exist: {stale}"


def test_the_tip_form_refuses_a_personnummer_naming_it(
    sala: Any, client: Client, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    response = client.post(FORM, form_data(sala, description=f"Ägaren har {PNR}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"remove personal data ({SAID})" in body
    assert not Tip.objects.exists()


def test_the_api_refuses_a_personnummer_naming_it(personas: dict[str, Any]) -> None:
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_for(personas['reporter'], scopes=('write',))}"
    )
    client.cookies["django_language"] = "en"
    response = post(client, "/api/v1/reports", report_body(description=f"Han har {PNR}"))
    assert response.status_code == 422
    assert SAID in json.dumps(response.json()["detail"])
    assert not Event.objects.exists()


def test_an_api_action_update_refuses_a_personnummer(personas: dict[str, Any], sala: Any) -> None:
    action = Action.objects.create(
        municipality=sala, title="Belysning", responsible_organisation=org_of(personas["reporter"])
    )
    secret = token_for(personas["reporter"], scopes=("read", "write"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.cookies["django_language"] = "en"
    body = {"status": "done", "effort": "2 h", "outcome": f"Ring ägaren, {PNR}"}
    response = post(client, f"/api/v1/actions/{action.pk}", body, "patch")
    assert response.status_code == 422
    assert SAID in json.dumps(response.json())
    assert Action.objects.get(pk=action.pk).outcome == ""


def test_open311_refuses_a_personnummer_naming_it(personas: dict[str, Any]) -> None:
    _key, secret = create_open311_key(access_municipality(personas["admin"], "1981"), "App")
    data = {"api_key": secret, "jurisdiction_id": "1981", "service_code": "PLA.BEL",
            "lat": CENTRE[0], "long": CENTRE[1], "description": f"{PNR} bor här"}  # fmt: skip
    response = Client().post("/open311/v2/requests.json", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    [error] = response.json()
    assert SAID in error["description"] or "(personnummer)" in error["description"]
    assert not Tip.objects.exists()


def test_a_cycle_form_refuses_a_personnummer(sala: Any) -> None:
    from trygg.cycle.forms import ActionForm

    data = {"title": "Belysning", "description": f"Kontakt {PNR}", "status": "planned"}
    form = ActionForm(data, municipality=sala)
    with translation.override("en"):
        assert not form.is_valid()
        assert SAID in " ".join(form.errors["description"])


def test_an_imported_police_notice_is_masked_and_the_masks_counted(
    sala: Any, kungsor: Any, tmp_path: Path, settings: Any
) -> None:
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    notices = json.loads(POLICE_FIXTURE.read_text(encoding="utf-8"))
    notice = next(n for n in notices if n["location"]["name"] == "Sala")
    notice["summary"] = f"En man, {PNR}, greps. Vittnen kan ringa 070-123 45 67."
    path = tmp_path / "events.json"
    path.write_text(json.dumps(notices, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_police_events", str(path), stdout=out, stderr=err)
    assert "personal data masked: 2" in out.getvalue()
    assert "was masked" in err.getvalue()
    stored = PoliceEvent.objects.get(event_id=notice["id"])
    assert stored.summary == "En man, [personnummer], greps. Vittnen kan ringa [telefonnummer]."
    assert not PoliceEvent.objects.filter(summary__contains=PNR).exists()
    from trygg.audit.models import AuditEvent

    audit = AuditEvent.objects.filter(action="import", object_type="imports.importbatch")
    assert sum(row.detail.get("redactions", 0) for row in audit) >= 2
