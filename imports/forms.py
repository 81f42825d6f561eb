from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportBatch
from .premises import HEADERS

EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv", ".geojson", ".json")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("XLSX, XLS, ODS or CSV from the licensing office; roads: GeoJSON or CSV."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Upload an XLSX, XLS, ODS, CSV or GeoJSON file."), code="extension")
        return upload


class MappingForm(forms.Form):
    """Which header of the file holds each field; saved for the next import."""

    def __init__(self, *args, columns=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, default in HEADERS.items():
            self.fields[name] = forms.CharField(
                label=default, required=False, max_length=100, initial=(columns or {}).get(name, default)
            )
