from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def imported(self) -> "ImportBatchQuerySet":
        return self.filter(status=ImportBatch.Status.IMPORTED)


class ImportBatch(models.Model):
    """One file imported into one municipality: where its rows came from, and how to undo it.

    Every imported row points at the batch that last wrote it. An upload from the web is a
    batch in status `preview` until it is confirmed.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        IMPORTED = "imported", _("imported")
        REJECTED = "rejected", _("rejected")
        DISCARDED = "discarded", _("discarded")
        UNDONE = "undone", _("undone")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="import_batches"
    )
    source = models.CharField(_("source"), max_length=30)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    encoding = models.CharField(_("encoding"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # [{"line": 12, "level": "error", "message": "…"}, …], the first MAX_PROBLEMS of them.
    problems = models.JSONField(default=list, blank=True)
    # What the preview showed: format, encoding, columns, first rows.
    preview = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    # A web upload waiting for confirmation: its file in the import directory.
    stored_file = models.CharField(max_length=100, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.source} {self.file_name}"

    def counts(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


class ImportChange(models.Model):
    """A row an import changed, with its values before: what undoing the import restores."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    previous = models.JSONField()
    previous_batch = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.SET_NULL, related_name="later_changes"
    )

    class Meta:
        indexes = [models.Index(fields=["batch", "object_id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} (#{self.batch_id})"
