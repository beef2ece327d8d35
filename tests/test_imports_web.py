"""Uploading from the web: preview, confirm, discard, the list of imports, and undo."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trygg.audit.models import AuditEvent
from trygg.bra.models import BraStatistic
from trygg.imports.models import ImportBatch
from trygg.police.models import PoliceCrime, PoliceEvent

FIXTURES = Path(__file__).parent / "fixtures"
ARCHIVE = FIXTURES / "police" / "events_archive_slice.json"
POINTS = FIXTURES / "police" / "brott_punkter_sweref.csv"
DOWNLOAD = FIXTURES / "bra" / "bra_download_sala.csv"


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    return settings.TRYGG_IMPORT_DIR


def client_for(login: Any, user: Any) -> Any:
    client = login(user)
    client.cookies["django_language"] = "en"
    return client


def upload(client: Any, path: Path, *, data: bytes | None = None, source: str = "") -> Any:
    file = SimpleUploadedFile(path.name, path.read_bytes() if data is None else data)
    return client.post(
        reverse("import_upload", args=["1981"]), {"file": file, "source": source}, follow=True
    )


def test_it_previews_an_upload_without_importing_it(personas, login, import_dir):
    client = client_for(login, personas["coordinator"])
    response = upload(client, ARCHIVE)
    batch = ImportBatch.objects.get()
    assert batch.status == "preview"
    assert not PoliceEvent.objects.exists()
    page = response.content.decode()
    assert "police event notices" in page
    assert "UTF-8" in page and "location.name" in page  # encoding and columns
    assert "Mord/dråp, försök" in page  # the first rows
    assert '<div class="stat" id="count-imported">6</div>' in page
    assert '<div class="stat" id="count-skipped">5</div>' in page  # Kungsör and Uppsala
    assert (import_dir / batch.stored_file).is_file()


def test_it_imports_on_confirmation(personas, login, import_dir):
    client = client_for(login, personas["coordinator"])
    upload(client, ARCHIVE)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("import_confirm", args=["1981", batch.pk]), follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.skipped) == ("imported", 6, 5)
    assert PoliceEvent.objects.filter(batch=batch).count() == 6
    assert not (import_dir / "x").exists() and not list(import_dir.glob("*.upload"))
    assert batch.created_by == personas["coordinator"]
    actions = list(
        AuditEvent.objects.filter(object_id=str(batch.pk)).values_list("action", flat=True)
    )
    assert {"create", "update", "import"} <= set(actions)


def test_it_lists_every_problem_with_its_line(personas, login):
    text = (
        DOWNLOAD.read_bytes().decode("utf-8-sig").replace("Sala;2023;Inbrott", "Sal;2023;Inbrott")
    )
    client = client_for(login, personas["coordinator"])
    response = upload(client, DOWNLOAD, data=text.encode("utf-8-sig"))
    page = response.content.decode()
    assert "<td>2</td>" in page and "“Sal” is neither a Swedish kommun nor a county." in page
    assert ImportBatch.objects.get().problem_count == 1


def test_it_shows_why_a_file_was_rejected_and_imports_nothing(personas, login):
    client = client_for(login, personas["coordinator"])
    data = ARCHIVE.read_bytes()[:3000]
    response = upload(client, ARCHIVE, data=data)
    page = response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert "The file was rejected; nothing was imported." in page
    assert "truncated" in page
    assert not PoliceEvent.objects.exists()
    assert client.post(reverse("import_confirm", args=["1981", batch.pk])).status_code == 302
    assert not PoliceEvent.objects.exists()


def test_it_rejects_a_file_of_the_wrong_kind_when_a_kind_is_chosen(personas, login):
    client = client_for(login, personas["coordinator"])
    response = upload(client, DOWNLOAD, source="police-crimes")
    assert ImportBatch.objects.get().status == "rejected"
    assert "missing the columns desokod" in response.content.decode()


def test_it_discards_an_upload(personas, login, import_dir):
    client = client_for(login, personas["coordinator"])
    upload(client, ARCHIVE)
    batch = ImportBatch.objects.get()
    client.post(reverse("import_discard", args=["1981", batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "discarded" and not list(import_dir.glob("*.upload"))
    response = client.post(reverse("import_confirm", args=["1981", batch.pk]), follow=True)
    assert "not waiting for confirmation" in response.content.decode()
    assert not PoliceEvent.objects.exists()


def test_it_undoes_an_import(personas, login):
    client = client_for(login, personas["coordinator"])
    upload(client, POINTS)
    batch = ImportBatch.objects.get()
    client.post(reverse("import_confirm", args=["1981", batch.pk]))
    assert PoliceCrime.objects.count() == 3
    url = reverse("import_undo", args=["1981", batch.pk])
    client.post(url)  # without the confirming tick: nothing happens
    assert PoliceCrime.objects.count() == 3
    response = client.post(url, {"sure": "1"}, follow=True)
    batch.refresh_from_db()
    assert (batch.status, PoliceCrime.objects.count()) == ("undone", 0)
    assert "The import was undone." in response.content.decode()
    assert AuditEvent.objects.filter(action="delete", object_id=str(batch.pk)).exists()


def test_it_lists_the_imports(personas, login):
    client = client_for(login, personas["coordinator"])
    upload(client, DOWNLOAD)
    batch = ImportBatch.objects.get()
    client.post(reverse("import_confirm", args=["1981", batch.pk]))
    page = client.get(reverse("import_list", args=["1981"])).content.decode()
    assert "bra_download_sala.csv" in page and "<td>Brå statistics</td>" in page
    assert BraStatistic.objects.filter(municipality__code="1981").count() == 24


# Who may do what ------------------------------------------------------------------------

ALLOWED = {"coordinator", "analyst", "police", "admin"}


@pytest.fixture
def batch(personas, sala):
    from trygg.imports.engine import run_import
    from trygg.imports.kommuner import Targets

    outcome = run_import(POINTS, targets=Targets([sala]), actor=personas["police"])
    return outcome.batches[0]


@pytest.mark.parametrize(
    "persona", ["reporter", "coordinator", "analyst", "steering", "police", "admin", "outsider"]
)
@pytest.mark.parametrize("name", ["import_list", "import_upload", "import_detail"])
def test_it_lets_only_police_data_roles_see_the_import_pages(personas, login, batch, persona, name):
    args = ["1981", batch.pk] if name == "import_detail" else ["1981"]
    response = login(personas[persona]).get(reverse(name, args=args))
    expected = 404 if persona == "outsider" else 200 if persona in ALLOWED else 403
    assert response.status_code == expected
    if persona == "outsider":
        assert b"Sala" not in response.content and b"brott_punkter" not in response.content


@pytest.mark.parametrize("persona", ["reporter", "analyst", "steering", "police", "outsider"])
def test_it_lets_only_coordinators_and_admins_undo(personas, login, batch, persona):
    response = login(personas[persona]).post(
        reverse("import_undo", args=["1981", batch.pk]), {"sure": "1"}
    )
    assert response.status_code == (404 if persona == "outsider" else 403)
    assert PoliceCrime.objects.count() == 3


@pytest.mark.parametrize("persona", ["reporter", "steering", "outsider"])
@pytest.mark.parametrize("name", ["import_confirm", "import_discard"])
def test_it_refuses_confirm_and_discard_to_others(personas, login, batch, persona, name):
    response = login(personas[persona]).post(reverse(name, args=["1981", batch.pk]))
    assert response.status_code == (404 if persona == "outsider" else 403)


def test_it_records_a_view_of_each_batch_page(personas, login, batch):
    login(personas["analyst"]).get(reverse("import_detail", args=["1981", batch.pk]))
    view = AuditEvent.objects.filter(action="view", object_id=str(batch.pk)).get()
    assert view.user == personas["analyst"]


def test_it_shows_no_batch_of_another_municipality(personas, login, batch, kungsor):
    from trygg.imports.engine import run_import
    from trygg.imports.kommuner import Targets

    theirs = run_import(POINTS, targets=Targets([kungsor])).batches[0]
    response = login(personas["coordinator"]).get(
        reverse("import_detail", args=["1981", theirs.pk])
    )
    assert response.status_code == 404


def test_it_undoes_an_import_from_the_command_line(batch):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("import_undo", str(batch.pk), stdout=out)
    assert out.getvalue().strip() == "removed=3 restored=0"
    assert not PoliceCrime.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_undo", str(batch.pk), stdout=out)
