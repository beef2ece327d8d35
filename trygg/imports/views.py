"""Web pages of the import framework: upload, preview, confirm, the list of imports, undo."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.audit.services import record
from trygg.tenants.access import Access, tenant_view

from . import services
from .engine import REGISTRY
from .forms import UploadForm
from .models import ImportBatch

PAGE_SIZE = 50


def access_batch(access: Access, pk: int) -> ImportBatch:
    """The only way a view fetches a batch: of this municipality, of a source the user may see."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("created_by", "undone_by", "municipality"),
        pk=pk,
        municipality=access.municipality,
    )
    importer = REGISTRY.get(batch.source)
    if importer and not access.can(importer.capability):
        raise PermissionDenied
    return batch


@tenant_view("police_data")
def import_list(request: HttpRequest, access: Access) -> HttpResponse:
    batches = (
        ImportBatch.objects.filter(municipality=access.municipality)
        .exclude(status=ImportBatch.Status.DISCARDED)
        .select_related("created_by")
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {source: importer.label for source, importer in REGISTRY.items()}
    rows = [(batch, labels.get(batch.source, batch.source or "–")) for batch in page]
    return render(request, "imports/import_list.html", {"page": page, "rows": rows})


@tenant_view("police_data")
def import_upload(request: HttpRequest, access: Access) -> HttpResponse:
    sources = services.sources_for(access)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        batch = services.preview_upload(
            request.user, access.municipality, form.cleaned_data["file"], form.chosen_sources()
        )
        return redirect("import_detail", access.municipality.code, batch.pk)
    return render(request, "imports/import_upload.html", {"form": form})


@tenant_view("police_data")
def import_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    batch = access_batch(access, pk)
    # The preview shows rows of the file: a view of police data.
    record(request.user, "view", batch, summary=f"{batch.file_name} ({batch.get_status_display()})")
    importer = REGISTRY.get(batch.source)
    preview = batch.preview or {}
    ctx = {
        "batch": batch,
        "label": importer.label if importer else "",
        "preview": preview,
        "first_rows": preview.get("first_rows", []),
        "columns": preview.get("columns", []),
        "can_undo": access.can("manage_areas") and batch.status == ImportBatch.Status.IMPORTED,
        "blocker": services.undo_blocker(batch),
        "rows_in_place": importer.model._default_manager.filter(batch=batch).count()
        if importer
        else 0,
    }
    return render(request, "imports/import_detail.html", ctx)


def _run(request: HttpRequest, action: object) -> bool:
    try:
        action()  # type: ignore[operator]
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return False
    return True


@tenant_view("police_data")
@require_POST
def import_confirm(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    batch = access_batch(access, pk)
    if _run(request, lambda: services.confirm(request.user, batch)):
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.IMPORTED:
            messages.success(request, _("Imported."))
        else:
            messages.error(request, batch.message)
    return redirect("import_detail", access.municipality.code, batch.pk)


@tenant_view("police_data")
@require_POST
def import_discard(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    batch = access_batch(access, pk)
    if _run(request, lambda: services.discard(request.user, batch)):
        messages.success(request, _("The upload was discarded; nothing was imported."))
    return redirect("import_list", access.municipality.code)


@tenant_view("manage_areas")
@require_POST
def import_undo(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    batch = access_batch(access, pk)
    if request.POST.get("sure") != "1":
        messages.error(request, _("Tick the box to confirm that this import is to be undone."))
    elif _run(request, lambda: services.undo(request.user, batch)):
        messages.success(request, _("The import was undone."))
    return redirect("import_detail", access.municipality.code, batch.pk)
