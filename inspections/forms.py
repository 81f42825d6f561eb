"""The inspection checklist form: per camera the seven checks, per premises signage and privacy."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Camera
from registry.uploads import clean_photo

from . import pixel_density
from .access import field_staff
from .models import CAMERA_CHECKS, PREMISES_CHECKS, InspectionCheck, InspectionKind, Outcome
from .recording import ItemOutcome

MAX_PHOTOS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked and re-encoded (registry.uploads)."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos per inspection.") % {"n": MAX_PHOTOS})
        return [clean_photo(super(PhotosField, self).clean(f, initial)) for f in files]


class InspectionForm(forms.Form):
    performed_on = forms.DateField(
        label=_("Date performed"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The day you were at the premises."),
    )
    kind = forms.ChoiceField(label=_("Kind of inspection"), choices=InspectionKind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what you saw and agreed with the owner."),
    )
    photos = PhotosField(
        label=_("Photos as evidence"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB each, up to 10. Location data is removed."),
    )

    def __init__(self, *args, premises, original=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.premises = premises
        self.cameras = list(premises.cameras.exclude(status=Camera.Status.REMOVED).order_by("pk"))
        self.fields["performed_on"].initial = timezone.localdate()
        previous = {(i.camera_id, i.item): i for i in original.items.all()} if original else {}
        self.camera_groups = []
        for camera in self.cameras:
            rows = [self._add_check(f"c{camera.pk}", camera.pk, check, previous) for check in CAMERA_CHECKS]
            self._add_measurement(camera)
            self.camera_groups.append((camera, rows, self.measurement_fields(camera)))
        self.measured = {}  # camera id -> (picture, distance): measured in clean(), stored with the inspection
        self.premises_rows = [self._add_check("p", None, check, previous) for check in PREMISES_CHECKS]
        if original is not None:
            self.fields["performed_on"].initial = original.performed_on
            self.fields["kind"].initial = original.kind
            self.fields["summary"].initial = original.summary

    def _add_measurement(self, camera):
        """The optional test-card picture of a camera (inspections.pixel_density), measured on saving."""
        self.fields[f"m{camera.pk}-card"] = forms.FileField(
            label=_("Picture holding the test card"),
            required=False,
            help_text=_("Optional: measures the pixel density where faces must be identified."),
            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        self.fields[f"m{camera.pk}-distance"] = forms.DecimalField(
            label=_("Distance of the card from the camera (m)"),
            required=False,
            min_value=0.5,
            max_value=200,
            decimal_places=1,
        )

    def measurement_fields(self, camera):
        return self[f"m{camera.pk}-card"], self[f"m{camera.pk}-distance"]

    def _add_check(self, prefix, camera_id, check, previous):
        name = f"{prefix}-{check.value}"
        before = previous.get((camera_id, check.value))
        self.fields[name] = forms.ChoiceField(
            label=check.label,
            choices=Outcome.choices,
            widget=forms.RadioSelect,
            initial=before.outcome if before else Outcome.NOT_CHECKED,
        )
        self.fields[f"{name}-note"] = forms.CharField(
            label=_("Note"), required=False, max_length=500, initial=before.note if before else ""
        )
        observed = None
        if check == InspectionCheck.PAN_VERIFIED:
            observed = forms.IntegerField(label=_("Pan range seen (°)"), required=False, min_value=0, max_value=360)
        elif check == InspectionCheck.RETENTION_VERIFIED:
            observed = forms.DateField(
                label=_("Oldest recording seen"),
                required=False,
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            )
        if observed is not None:
            observed.initial = before.observed if before else None
            self.fields[f"{name}-observed"] = observed
        return {
            "outcome": self[name],
            "note": self[f"{name}-note"],
            "observed": self[f"{name}-observed"] if observed is not None else None,
        }

    def clean_performed_on(self):
        performed_on = self.cleaned_data["performed_on"]
        if performed_on > timezone.localdate():
            raise forms.ValidationError(_("An inspection cannot be performed in the future."))
        return performed_on

    def items(self):
        """The answers as the service takes them."""
        data = self.cleaned_data
        answers = []
        for camera in self.cameras:
            for check in CAMERA_CHECKS:
                answers.append(self._item(f"c{camera.pk}-{check.value}", check, camera, data))
        for check in PREMISES_CHECKS:
            answers.append(self._item(f"p-{check.value}", check, None, data))
        return answers

    @staticmethod
    def _item(name, check, camera, data):
        observed = data.get(f"{name}-observed")
        return ItemOutcome(
            item=check.value,
            outcome=data[name],
            camera=camera,
            note=data.get(f"{name}-note", ""),
            observed=""
            if observed in (None, "")
            else (observed.isoformat() if hasattr(observed, "isoformat") else str(observed)),
        )

    def clean(self):
        cleaned = super().clean()
        for camera in self.cameras:
            card = cleaned.get(f"m{camera.pk}-card")
            if not card:
                continue
            try:
                picture = pixel_density.read_image(card.read())
                pixel_density.measure(picture)
            except pixel_density.MeasurementError as error:
                self.add_error(f"m{camera.pk}-card", str(error))
            else:
                self.measured[camera.pk] = (picture, cleaned.get(f"m{camera.pk}-distance"))
        outcomes = [v for k, v in cleaned.items() if k.count("-") == 1 and k[:1] in "cp" and v in Outcome.values]
        if outcomes and all(v == Outcome.NOT_CHECKED for v in outcomes):
            raise forms.ValidationError(_("Check at least one item: an inspection with nothing checked has no result."))
        return cleaned


class AssignmentForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=get_user_model().objects.none())
    planned_on = forms.DateField(
        label=_("Planned on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = field_staff()

    def clean_planned_on(self):
        planned_on = self.cleaned_data["planned_on"]
        if planned_on < timezone.localdate():
            raise forms.ValidationError(_("Plan the inspection for today or later."))
        return planned_on


class MeasureForm(forms.Form):
    """A pixel-density measurement: a picture holding the test card, uploaded or grabbed from the stream."""

    image = forms.FileField(
        label=_("Picture holding the test card"),
        required=False,
        help_text=_("A screenshot or a photo of the recorder's screen: JPEG, PNG or WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    grab_frame = forms.BooleanField(label=_("Take a picture from the camera's stream instead"), required=False)
    marker_side_mm = forms.DecimalField(
        label=_("Side of the printed marker (mm)"),
        initial=200,
        min_value=20,
        max_value=1000,
        decimal_places=1,
        help_text=_("200 on the city's card printed at 100 %: check the 100 mm line with a ruler."),
    )
    distance_m = forms.DecimalField(
        label=_("Distance of the card from the camera (m)"),
        required=False,
        min_value=0.5,
        max_value=200,
        decimal_places=1,
        help_text=_("Where faces must be identified: the standard's distance, or the kerb."),
    )

    def __init__(self, *args, camera, **kwargs):
        super().__init__(*args, **kwargs)
        self.camera = camera
        if not camera.rtsp_url:
            del self.fields["grab_frame"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("image") and not cleaned.get("grab_frame") and "image" not in self.errors:
            raise forms.ValidationError(
                _("Upload a picture holding the test card, or take one from the stream."), code="no_picture"
            )
        if cleaned.get("image") and cleaned.get("grab_frame"):
            raise forms.ValidationError(_("Choose one: the uploaded picture or the stream."), code="two_pictures")
        return cleaned
