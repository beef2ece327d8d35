from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.privacy import NoPersonalDataForm

from .models import Assessment


class AssessmentForm(NoPersonalDataForm, forms.Form):
    level = forms.ChoiceField(
        label=_("Assessment"), choices=[("", _("– not assessed –")), *Assessment.Level.choices]
    )
    text = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 500}),
    )
