"""Measuring a camera's pixel density at an inspection: the printable test card, the measuring
page, and the measurement's pictures (staff only, each look logged)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from registry.models import AccessLog, Camera, CameraStandard, log_access

from . import frame_grab, measurements, pixel_density
from .access import signed_in_with
from .forms import MeasureForm
from .models import PixelDensityMeasurement


@signed_in_with("inspections.add_pixeldensitymeasurement")
def test_card(request):
    """The A4 test card, always in Bahasa Indonesia (it is held up in Bontang's streets)."""
    with translation.override("id"):
        pdf = pixel_density.test_card_pdf(
            _("Pixel density test card — Perwali Bontang 25/2019"),
            [
                _("1. Print on A4 at 100 % (actual size), not “fit to page”."),
                _("2. Measure the line above with a ruler: it must be 10 cm. If not, print again."),
                _("3. Hold the card upright and flat, facing the camera, where faces must be identified."),
                _("4. Take a picture from the camera's stream, or photograph the recorder's screen, and upload it."),
            ],
            _("This line must be 100 mm"),
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="kartu-uji-kerapatan-piksel.pdf"'
    return response


@never_cache
@signed_in_with("inspections.add_pixeldensitymeasurement")
def measure_camera(request, camera_pk):
    camera = get_object_or_404(Camera.objects.select_related("premises"), pk=camera_pk)
    form = MeasureForm(request.POST or None, request.FILES or None, camera=camera)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("grab_frame"):
                image, source = frame_grab.grab_frame(camera), PixelDensityMeasurement.Source.FRAME
            else:
                image, source = pixel_density.read_image(data["image"].read()), PixelDensityMeasurement.Source.UPLOAD
            measurement = measurements.record(
                camera,
                image,
                source=source,
                user=request.user,
                marker_side_mm=float(data["marker_side_mm"]),
                distance_m=data.get("distance_m"),
            )
        except pixel_density.MeasurementError as error:
            form.add_error("grab_frame" if data.get("grab_frame") else "image", str(error))
        else:
            said = _("Measured %(px)s px/m: %(verdict)s (faces need %(level)s px/m).") % {
                "px": number_format(round(measurement.px_per_m)),
                "verdict": _("meets the level") if measurement.meets_identify else _("below the level"),
                "level": number_format(round(measurement.threshold_px_per_m)),
            }
            if measurement.strong_perspective:
                said += " " + _("The card was held at a slant: measure again facing the camera to be sure.")
            (messages.success if measurement.meets_identify else messages.warning)(request, said)
            return redirect("inspections:measure", camera_pk=camera.pk)
    standard = CameraStandard.objects.in_force(timezone.localdate())
    return render(
        request,
        "inspections/measure.html",
        {
            "camera": camera,
            "form": form,
            "declared": camera.check_against(standard) if standard else None,
            "standard": standard,
            "measurements": camera.pixel_measurements.select_related("measured_by")[:10],
        },
        status=422 if form.errors else 200,
    )


@never_cache
@signed_in_with("inspections.view_pixeldensitymeasurement")
def measurement_picture(request, pk, which):
    """One of a measurement's two pictures; they can show people, so each look is logged."""
    measurement = get_object_or_404(PixelDensityMeasurement, pk=pk)
    picture = {"original": measurement.image, "corners": measurement.annotated}.get(which)
    if picture is None:
        raise Http404
    if not picture:
        raise Http404(_("The pictures were deleted after the retention period; the figures stay."))
    log_access(request, AccessLog.Action.VIEW_PERSONAL_DATA, f"measurement {pk} picture {which}")
    return FileResponse(picture.open("rb"), content_type="image/jpeg")
