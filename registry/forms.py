"""The owner's registration form: premises, responsible person, consent and camera rows.

Every rule comes from the model (field validators, constraints, `clean()`), so the form, the
admin and the API say the same thing; the form adds only what is about the form itself
(consent, honeypot, the photo check, the number of rows).
"""

import re
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from . import viewer_accounts
from .models import Camera, CatalogueCamera, Kelurahan, OnvifProfile, Premises, ProtocolRoad, ResponsiblePerson

MAX_CAMERAS = 50
GROUPED_WHOLE = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def either_separator(text, whole):
    """A number as owners type it, in Indonesian (0,137 · 1.920) or English (0.137 · 1,920), in the
    form Python reads. A decimal number: one comma or one dot is the decimal mark; with both, the
    last one is, and the other groups thousands. A whole number: dots or commas only between
    groups of three digits (1.920 → 1920); "2,5" stays as typed, and the field says it is not whole.
    static/js/register.js reads the numbers with the same rule for the instant verdict."""
    if not isinstance(text, str):
        return text
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if whole:
        return re.sub(r"[.,]", "", text) if GROUPED_WHOLE.fullmatch(text) else text
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    return text


class EitherSeparator:
    """Every number field of a public form accepts both decimal separators (`either_separator`) and
    is a text box with a number keyboard: a browser's number box refuses a comma, or sends nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.IntegerField):  # FloatField and DecimalField are IntegerFields
                continue
            whole = not isinstance(field, (forms.FloatField, forms.DecimalField))
            read = field.to_python
            field.to_python = lambda value, read=read, whole=whole: read(either_separator(value, whole))
            field.error_messages["invalid"] = (
                _("Enter a whole number, for example 1920.")
                if whole
                else _("Enter a number, for example 57,6 or 57.6.")
            )
            attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
            attrs.setdefault("inputmode", "numeric" if whole else "decimal")
            attrs.setdefault("autocomplete", "off")
            field.widget = forms.TextInput(attrs=attrs)


class PremisesForm(EitherSeparator, forms.ModelForm):
    class Meta:
        model = Premises
        fields = ["name", "category", "ownership", "nib", "road", "address", "kelurahan", "latitude", "longitude"]
        help_texts = {
            "name": _("As on the signboard."),
            "address": _("For example: Jl. Awang Long No. 12."),
            "latitude": _("For example 0,1370"),
            "longitude": _("For example 117,4990"),
            "nib": _("13 digits, from OSS; empty for a government building."),
        }
        widgets = {
            "nib": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 13}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["road"].queryset = ProtocolRoad.objects.filter(active=True).select_related("kecamatan")
        self.fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan")
        self.fields["nib"].strip = True


class PersonForm(forms.ModelForm):
    class Meta:
        model = ResponsiblePerson
        fields = ["name", "role", "phone", "email", "nik"]
        help_texts = {
            "name": "",
            "phone": _("For example 0812 3456 7890. The city's messages come here by WhatsApp."),
            "email": _("The status link is sent here too."),
            "nik": _("Optional. 16 digits. Kept as personal data and shown masked."),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].max_length = 25  # typed with spaces and dashes; stored as +62…
        self.fields["phone"].widget.attrs["maxlength"] = 25
        for validator in list(self.fields["phone"].validators):
            if getattr(validator, "limit_value", None) == 16:
                self.fields["phone"].validators.remove(validator)


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I agree to the use of the personal data above, as explained below."),
        error_messages={"required": _("Tick the box to agree to the use of personal data, or we cannot register you.")},
    )
    # A field people never see; scripts fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."), code="honeypot")
        return ""


def without_credentials(url):
    """The address without its user:password@ part."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2])) if "@" in parts.netloc else url


class CatalogueChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.brand} {obj.model}"


class CameraForm(EitherSeparator, forms.ModelForm):
    """One camera: where it is and which model (from the catalogue, which fills in the technical
    figures), how long the recorder keeps, and, for a model not listed, the data sheet's figures."""

    catalogue_model = CatalogueChoice(
        label=_("Brand and model"),
        queryset=CatalogueCamera.objects.filter(active=True),
        required=False,
        empty_label=_("My model is not listed: I fill in the details"),
        help_text=_("As on the camera or its box."),
        error_messages={
            "invalid_choice": _("This model is not in the list (any more): choose another, or fill in the details.")
        },
    )
    onvif_profiles = forms.MultipleChoiceField(
        label=_("Connection standards (ONVIF)"),
        choices=OnvifProfile.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("On the data sheet as “ONVIF Profile S”. The city's command centre needs Profile S to connect."),
    )
    # A read-only account the owner grants the city (registry.viewer_accounts): stored encrypted,
    # never shown again, so the fields are always empty.
    viewer_username = forms.CharField(
        label=_("User name"),
        max_length=viewer_accounts.MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
    viewer_password = forms.CharField(
        label=_("Password"),
        max_length=viewer_accounts.MAX_LENGTH,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    viewer_revoke = forms.BooleanField(label=_("Withdraw the viewer account given to the city"), required=False)
    VIEWER_FIELDS = ("viewer_username", "viewer_password", "viewer_revoke")

    class Meta:
        model = Camera
        fields = [
            "label",
            "catalogue_model",
            "brand",
            "model",
            *Camera.spec_fields_with_onvif_list(),
            "onvif_address",
            "photo",
        ]
        # In an owner's words; the model's own texts (for officers and the admin) stay as they are.
        labels = {
            "label": _("Where is this camera?"),
            "faces_road": _("It films the street in front"),
            "retention_days": _("Kept for (days)"),
            "camera_type": _("Kind of camera"),
            "pan_range_deg": _("How far can it turn, left to right? (degrees)"),
            "hfov_wide_deg": _("How wide does it see? (degrees)"),
            "hfov_tele_deg": _("How wide at full zoom? (degrees)"),
            "optical_zoom": _("Optical zoom (×)"),
            "resolution_h_px": _("Picture width (pixels)"),
            "resolution_v_px": _("Picture height (pixels)"),
            "night_vision": _("It sees in the dark (infrared)"),
            "night_vision_range_m": _("How far in the dark? (metres)"),
            "rtsp_url": _("Video stream address"),
            "onvif_address": _("ONVIF address of the camera"),
            "photo": _("Photo of the camera"),
        }
        help_texts = {
            "label": _("For example: front door, parking, cash desk."),
            "faces_road": "",
            "retention_days": _("Shown in the recorder's settings."),
            "camera_type": _(
                "PTZ: turns and zooms by remote control. Dome: a half-ball. Fixed (bullet): a tube that looks one way."
            ),
            "pan_range_deg": _("0 if it cannot turn; 360 if it turns all the way round."),
            "hfov_wide_deg": _("“Field of view” or “angle of view”, horizontal, on the data sheet. For example 90."),
            "hfov_tele_deg": _("Only for a camera with optical zoom, if you do not know the zoom."),
            "optical_zoom": _("Only optical zoom counts, not digital zoom. Empty if it has none."),
            "resolution_h_px": _("For example 1920 (2 MP) or 2560 (4 MP)."),
            "resolution_v_px": _("For example 1080 (2 MP) or 1440 (4 MP)."),
            "rtsp_url": _("From your installer, without a password."),
            "onvif_address": _("From your installer, without a password."),
            "photo": _("JPEG, PNG or WebP, up to 5 MB."),
        }
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"})
            for name in ("rtsp_url", "onvif_address")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("onvif_profiles", sorted(self.instance.onvif_profiles))
        if not viewer_accounts.available():
            for name in self.VIEWER_FIELDS:
                del self.fields[name]
        elif not (self.instance.pk and viewer_accounts.ViewerAccount.objects.filter(camera=self.instance).exists()):
            del self.fields["viewer_revoke"]
        self._fill_from_catalogue()

    @property
    def viewer_account_granted(self):
        return "viewer_revoke" in self.fields

    @property
    def camera_changed(self):
        """Did a field of the camera itself change (not only its viewer account)?"""
        return bool(set(self.changed_data) - set(self.VIEWER_FIELDS))

    def clean(self):
        cleaned = super().clean()
        username, password = cleaned.get("viewer_username"), cleaned.get("viewer_password")
        if bool(username) != bool(password):
            self.add_error(
                "viewer_password" if username else "viewer_username",
                forms.ValidationError(
                    _("Fill in both the user name and the password of the viewer account, or neither."),
                    code="viewer_incomplete",
                ),
            )
        return cleaned

    def full_clean(self):
        super().full_clean()
        # An address refused for carrying a user name and password is shown again without them.
        for name, code in (("rtsp_url", "rtsp_credentials"), ("onvif_address", "onvif_credentials")):
            if self.is_bound and self.has_error(name, code):
                key = self.add_prefix(name)
                data = self.data.copy()
                data[key] = without_credentials(data.get(key, ""))
                self.data = data

    def save_viewer_account(self, camera):
        """Store, replace or withdraw the camera's viewer account, as the owner asked."""
        if self.cleaned_data.get("viewer_revoke"):
            viewer_accounts.revoke(camera)
        elif self.cleaned_data.get("viewer_username") and self.cleaned_data.get("viewer_password"):
            viewer_accounts.grant(camera, self.cleaned_data["viewer_username"], self.cleaned_data["viewer_password"])

    @property
    def technical_open(self):
        """Show the data sheet's figures open: a model not from the catalogue, or an error among them."""
        technical = {"brand", "model", "onvif_address", *self.VIEWER_FIELDS, *Camera.spec_fields_with_onvif_list()}
        technical -= {"faces_road", "retention_days", "rtsp_url"}
        if self.is_bound:
            return bool(technical & set(self.errors)) or not self.data.get(self.add_prefix("catalogue_model"))
        return bool(self.instance.pk and self.instance.catalogue_model_id is None)

    def _fill_from_catalogue(self):
        """A model chosen from the catalogue gives the figures, whatever was typed beside it."""
        if not self.is_bound:
            return
        chosen = self.data.get(self.add_prefix("catalogue_model"), "")
        entry = CatalogueCamera.objects.filter(active=True, pk=chosen).first() if str(chosen).isdigit() else None
        if entry is None:
            return
        data = self.data.copy()
        data[self.add_prefix("brand")], data[self.add_prefix("model")] = entry.brand, entry.model
        for name, value in entry.specs().items():
            if name.startswith("onvif_profile_"):
                continue
            key = self.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif value is False:
                data.pop(key, None)
            else:
                data[key] = "" if value is None else str(value)
        profiles = sorted(entry.onvif_profiles)
        if hasattr(data, "setlist"):
            data.setlist(self.add_prefix("onvif_profiles"), profiles)
        else:
            data[self.add_prefix("onvif_profiles")] = profiles
        self.data = data

    def _post_clean(self):
        self.instance.onvif_profiles = set(self.cleaned_data.get("onvif_profiles") or [])
        super()._post_clean()


class BaseCameraFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise forms.ValidationError(_("Add at least one camera."), code="no_camera")


CameraFormSet = forms.formset_factory(
    CameraForm, formset=BaseCameraFormSet, extra=1, max_num=MAX_CAMERAS, validate_max=True, absolute_max=MAX_CAMERAS
)


class OwnerCameraFormSet(forms.BaseModelFormSet):
    """The owner's cameras on the status page: correct a row, retire it (status removed) or add one."""

    def __init__(self, *args, premises=None, **kwargs):
        self.premises = premises
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk:
            form.fields["retire"] = forms.BooleanField(required=False, label=_("Retire this camera (removed)"))


def owner_camera_formset(premises, data=None, files=None):
    """The owner's cameras; an empty row only when none is registered ("Add another camera" adds one)."""
    cameras = premises.cameras.exclude(status=Camera.Status.REMOVED).order_by("pk")
    FormSet = forms.modelformset_factory(
        Camera,
        form=CameraForm,
        formset=OwnerCameraFormSet,
        extra=0 if cameras.exists() else 1,
        max_num=MAX_CAMERAS,
        validate_max=True,
        absolute_max=MAX_CAMERAS,
    )
    return FormSet(
        data,
        files,
        premises=premises,
        prefix="cameras",
        queryset=cameras,
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection (the owner reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class FindStatusForm(forms.Form):
    """The way back to a status page: the tracking code and the phone or e-mail given at registration."""

    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("8 letters and numbers, for example K7QD-3MXA: on the confirmation page and in the first message."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    contact = forms.CharField(
        label=_("Phone or e-mail given at registration"),
        max_length=254,
        help_text=_("The status link is sent there: by WhatsApp to a phone, or by e-mail."),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_tracking_code(self):
        raw = "".join(ch for ch in self.cleaned_data["tracking_code"].upper() if ch.isalnum())
        return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw
