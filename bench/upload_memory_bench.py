"""What a hostile or oversized import costs the web process in memory before it is answered.

Each case sends one request through Django's WSGI handler in this process, the body streamed from a generator (so the
bench holds none of it), and measures the process's peak resident memory during the request (VmHWM, reset before each
request through /proc/self/clear_refs) above its resident memory just before. Cases:
- zip_bomb: a 1 MB zip whose one text file expands to 1,000 MB (multipart, to `:import`);
- zip_bomb_many_files: 2,000 files of 500 KB each, 1,000 MB in all, in one zip;
- huge_json_body: a 500 MB JSON body to `:import`;
- many_small_members: a zip of 150,000 one-byte .txt files (more entries than a project has documents);
- many_small_members_within_limit: as many as a zip may hold (`limits.ARCHIVE_MEMBERS_MAX`), all read, no labels.json;
- largest_accepted_json: a JSON project at the import limit (`limits.IMPORT_BYTES_MAX`), imported for real.

Prints one JSON line: {case: {"status", "peak_growth_mb", "seconds"}, ...}.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path

from _django import setup

PATH = "/language/authoring/analyze-text/projects/{name}/:import"
BOUNDARY = "studio-bench-boundary"


class Body(io.RawIOBase):
    """A request body made of parts, some of them a byte repeated: read as a stream, never held whole."""

    def __init__(self, parts: list[bytes | tuple[bytes, int]]) -> None:
        self.parts = [part if isinstance(part, tuple) else (part, 1) for part in parts]
        self.length = sum(len(chunk) * times for chunk, times in self.parts)
        self.index = self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        written = 0
        while written < len(buffer) and self.index < len(self.parts):
            chunk, times = self.parts[self.index]
            total = len(chunk) * times
            take = min(len(buffer) - written, total - self.offset)
            start = self.offset % len(chunk)
            piece = (
                (chunk * (take // len(chunk) + 2))[start : start + take] if times > 1 else chunk[start : start + take]
            )
            buffer[written : written + take] = piece
            written += take
            self.offset += take
            if self.offset == total:
                self.index, self.offset = self.index + 1, 0
        return written


def memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def multipart(name: str, content: bytes) -> list[bytes | tuple[bytes, int]]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    return [head, content, f"\r\n--{BOUNDARY}--\r\n".encode()]


def bomb(files: int, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("labels.json", json.dumps({"projectFileVersion": "2022-05-01"}))
        for i in range(files):
            with archive.open(f"docs/{i}.txt", "w", force_zip64=True) as member:
                block = b"a" * (1024 * 1024)
                for _ in range(size // len(block)):
                    member.write(block)
                member.write(b"a" * (size % len(block)))
    return buffer.getvalue()


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"{i}.txt", b"x")
    return buffer.getvalue()


def largest_accepted(limit: int) -> bytes:
    from tests.conftest import small_project

    project = small_project("largest")
    text = "Loan to John Smith for $5,000 with interest payable monthly to the bank. " * 16
    documents = []
    size = len(json.dumps(project))
    while True:
        document = {
            "location": f"{len(documents):06}.txt",
            "language": "en-us",
            "dataset": "Train",
            "text": text,
            "entities": [{"regionOffset": 0, "regionLength": len(text), "labels": [
                {"category": "Borrower", "offset": 8, "length": 10}, {"category": "Amount", "offset": 23, "length": 6}
            ]}],
        }  # fmt: skip
        size += len(json.dumps(document)) + 2
        if size > limit - 1024:
            break
        documents.append(document)
    project["assets"]["documents"] = documents
    return json.dumps(project).encode()


def main() -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler

    from projects.services.api_keys import api_key_create
    from studio import limits

    # Creating projects is a permission administrators have (issue 16).
    user = get_user_model().objects.create_user("bench", password="bench-password", is_superuser=True)
    key = api_key_create(user=user, name="bench")
    handler = WSGIHandler()
    results = {}

    def send(case: str, name: str, parts: list, content_type: str) -> None:
        body = Body(parts)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": PATH.format(name=name),
            "QUERY_STRING": "api-version=2023-04-01",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(body.length),
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "HTTP_OCP_APIM_SUBSCRIPTION_KEY": key,
            "wsgi.input": io.BufferedReader(body, buffer_size=1024 * 1024),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        statuses = []
        Path("/proc/self/clear_refs").write_text("5")  # the peak restarts from the current size
        before = memory_kb("VmRSS")
        began = time.perf_counter()
        answer = b"".join(handler(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        seconds = time.perf_counter() - began
        peak = memory_kb("VmHWM")
        results[case] = {
            "status": int(statuses[0].split()[0]),
            "peak_growth_mb": round((peak - before) / 1024, 1),
            "seconds": round(seconds, 2),
        }
        if results[case]["status"] >= 500:
            raise RuntimeError(f"{case}: {answer[:300]!r}")

    zipped = f"multipart/form-data; boundary={BOUNDARY}"
    send("zip_bomb", "bomb", multipart("bomb.zip", bomb(1, 1000 * 1024 * 1024)), zipped)
    send("zip_bomb_many_files", "bombs", multipart("bombs.zip", bomb(2000, 500 * 1024)), zipped)
    send(
        "huge_json_body",
        "huge",
        [b'{"assets": {"documents": [{"text": "', (b"a", 500 * 1024 * 1024), b'"}]}}'],
        "application/json",
    )
    send("many_small_members", "many", multipart("many.zip", many_members(150_000)), zipped)
    within = multipart("within.zip", many_members(limits.ARCHIVE_MEMBERS_MAX))
    send("many_small_members_within_limit", "within", within, zipped)
    send("largest_accepted_json", "largest", [largest_accepted(limits.IMPORT_BYTES_MAX)], "application/json")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
