"""Sets up Django for a bench script on a fresh temporary data directory (never the user's data)."""

import atexit
import io
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def scratch_dir(prefix: str) -> Path:
    """A fresh temporary folder, removed when the bench exits unless ``STUDIO_BENCH_KEEP`` is set."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if not os.environ.get("STUDIO_BENCH_KEEP"):
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def setup() -> Path:
    data = scratch_dir("studio-bench-")
    os.environ["STUDIO_DATA_DIR"] = str(data)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings.local")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return data


def dataset_zip(name: str) -> io.BytesIO:
    """A shared dataset's Azure project as a user would upload it: labels.json plus the .txt files."""
    folder = SHARED / "datasets" / name / "azure"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.write(folder / "labels.json", "labels.json")
        for path in sorted((folder / "docs").iterdir()):
            z.write(path, f"docs/{path.name}")
    archive.seek(0)
    archive.name = f"{name}.zip"
    return archive
