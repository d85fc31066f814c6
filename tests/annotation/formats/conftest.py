from pathlib import Path

import pytest

# The shared corpora live next to the project, never inside it (see ../shared/datasets/README.md).
DATASETS = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"


@pytest.fixture
def datasets() -> Path:
    if not DATASETS.is_dir():
        pytest.skip(f"shared datasets not found at {DATASETS}")
    return DATASETS
