from pathlib import Path

import pytest

from mapping.services.catalog import import_edfi_model

CATALOG_DIR = Path(__file__).resolve().parents[2] / "mapping" / "data" / "edfi" / "5.2.0"


@pytest.fixture
def catalog(db):
    """The real Ed-Fi Data Standard 5.2 catalog shipped with the app."""
    return import_edfi_model(directory=CATALOG_DIR).version
