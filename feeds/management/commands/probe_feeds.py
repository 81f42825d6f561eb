"""Probe the cameras' streams: a dry run prints what each answers; --commit stores it."""

from collections import Counter

from django.core.management.base import BaseCommand

from feeds import run


class Command(BaseCommand):
    help = "Ask every camera's RTSP stream (or --camera ID …) whether it answers. Dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("--camera", type=int, nargs="*", default=None, help="only these camera ids")
        parser.add_argument("--commit", action="store_true", help="store the probes and the cameras' status")

    def handle(self, *args, camera=None, commit=False, **options):
        results = run.probe_cameras(camera, commit=commit)
        for pk, r in results:
            size = f" {r.width}×{r.height}" if r.width else ""
            latency = f" {r.latency_ms} ms" if r.latency_ms is not None else ""
            onvif = (
                f" ONVIF {r.onvif}" + (f" ({r.device}, {r.profiles} profiles)" if r.device else "") if r.onvif else ""
            )
            self.stdout.write(f"camera {pk}: {r.outcome}{latency} {r.codec}{size}{onvif} {r.detail}".rstrip())
        counts = Counter(r.outcome for _pk, r in results)
        summary = (
            ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            or "no camera with a stream or ONVIF address"
        )
        self.stdout.write(f"{len(results)} probed: {summary}" + ("" if commit else " (dry run: nothing stored)"))
