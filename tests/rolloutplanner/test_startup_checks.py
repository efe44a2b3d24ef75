"""Start-up checks: production refuses to start without collected static files."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from rolloutplanner.checks import fail_on_startup_errors, static_files_collected

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    settings.IS_PRODUCTION = True
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = MANIFEST_STORAGE
    return settings.STATIC_ROOT


def test_production_without_collected_static_files_fails_the_check_with_the_remedy(
    production_static,
):
    [error] = static_files_collected()

    assert error.id == "rolloutplanner.E001"
    assert str(production_static / "staticfiles.json") in error.msg
    assert "collectstatic" in error.hint
    with pytest.raises(SystemCheckError, match="Static files have not been collected"):
        call_command("check")
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        fail_on_startup_errors()


def test_production_with_a_manifest_passes(production_static):
    production_static.mkdir()
    (production_static / "staticfiles.json").write_text(
        json.dumps({"paths": {}, "version": "1.1", "hash": ""})
    )

    assert static_files_collected() == []
    fail_on_startup_errors()


def test_development_serves_static_files_without_collecting(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "never-collected"

    assert static_files_collected() == []
