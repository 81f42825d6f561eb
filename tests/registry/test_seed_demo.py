import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.models import Camera, CameraStandard, Premises, ProtocolRoad, ResponsiblePerson

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (ProtocolRoad, Premises, ResponsiblePerson, Camera)]


def test_seed_demo_loads_bontang_and_running_it_twice_duplicates_nothing(settings, django_user_model, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    roads, premises, persons, cameras = first
    assert 8 <= roads <= 12 and 60 <= premises <= 100 and persons == premises
    assert all(1 <= p.cameras.count() <= 6 for p in Premises.objects.all())
    output = capsys.readouterr().out
    for role in ("officer", "supervisor", "auditor"):
        assert role in output
        assert django_user_model.objects.get(username=role).groups.filter(name=role).exists()

    call_command("seed_demo")
    assert counts() == first
    assert django_user_model.objects.count() == 3


def test_seed_demo_mixes_compliant_and_failing_cameras_and_valid_records(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    standard = CameraStandard.objects.in_force(timezone.localdate())
    verdicts = [c.check_against(standard).meets_standard for c in Camera.objects.all()]
    assert 0.15 < sum(verdicts) / len(verdicts) < 0.85
    for premises in Premises.objects.all()[:20]:
        premises.full_clean()
    for camera in Camera.objects.all()[:50]:
        camera.full_clean()


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert counts() == [0, 0, 0, 0]
