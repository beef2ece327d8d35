from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .engine import REGISTRY
from .services import max_upload_bytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or JSON as the police, Brå or SCB publish it, also gzip-compressed. "
            "The encoding (UTF-8, with or without BOM, or Windows-1252) is detected."
        ),
    )
    source = forms.ChoiceField(label=gettext_lazy("Kind of data"), required=False)

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sources = sources
        choices = [("", _("Recognise it from the file"))]
        choices += [(source, str(REGISTRY[source].label)) for source in sources]
        self.fields["source"].choices = choices  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(max_upload_bytes())}
            )
        return upload

    def chosen_sources(self) -> list[str]:
        source = self.cleaned_data.get("source")
        return [source] if source else self.sources
