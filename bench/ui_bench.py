"""Times the labeling view on a long document in real Chromium, against an in-process server.

A generated 98,000-character document (a few emoji in it) with 1,500 labels; prints one JSON line:
- `open_ms`: from navigation until the first label is visible and the editor is wired (wall clock, first visit
  with nothing cached; `warm` repeats it as a returning user);
- `first_label_clickable_ms`: the same plus a real click on the first label opening its panel;
- `in_page_ready_ms` / `in_page_painted_ms`: the page's own clock (from navigation start) when the editor was
  wired and when the next frame had been painted;
- `add_label_median_ms` (and p90): over `adds` label additions (double-click a word, press the type's key),
  from the key press until the server has confirmed the new label, as the page measures it;
- `add_label_wall_median_ms`: the same seen from outside the browser (includes Playwright's round trips).

Targets: open <= 1500 ms, add <= 300 ms. Usage: `.venv/bin/python bench/ui_bench.py [adds]`.
"""

import json
import os
import random
import statistics
import sys
import time

from _django import setup

CHROMIUM = "/usr/bin/chromium"
CHARS = 98_000
LABELS = 1_500
PASSWORD = "bench-password-1"
WORDS = (
    "loan agreement between the bank and borrower signed in city on date receives amount at interest rate "
    "witness company limited office payment schedule month year principal balance account number clause party "
    "notice terms conditions default remedy collateral guarantor"
).split()
NAMES = ["John Smith", "Maria García", "Contoso Bank", "Fabrikam Ltd", "Seattle", "Lisbon", "Zürich", "Ana Lopez"]
TYPES = [("Person", "p"), ("Organization", "o"), ("Location", "l"), ("Money", "m"), ("Date", "d")]


def generate(rng: random.Random) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """The text, spans to label (code points) and free words left for the adds."""
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    length = 0
    n = 0
    while length < CHARS - 40:
        token = rng.choice(NAMES) if n % 7 == 3 else rng.choice(WORDS)
        words.append((length, length + len(token)))
        sep = "\n" if n % 23 == 22 else ("\n\n" if n % 97 == 96 else " ")
        if n % 499 == 250:
            sep = " 😀 "
        parts.append(token + sep)
        length += len(token) + len(sep)
        n += 1
    text = "".join(parts)
    text = (text + "x" * CHARS)[:CHARS]
    words = [w for w in words if w[1] <= CHARS - 1]
    step = len(words) / LABELS
    labeled = {int(i * step) for i in range(LABELS)}
    spans = [words[i] for i in sorted(labeled)]
    free = [w for i, w in enumerate(words) if i not in labeled and i - 1 not in labeled and i + 1 not in labeled]
    return text, spans, free


def seed(text: str, spans: list[tuple[int, int]]):
    from django.contrib.auth import get_user_model

    from annotation.formats import DocumentData
    from annotation.models import Label
    from annotation.services.entity_types import entity_type_create
    from annotation.services.imports import documents_import
    from projects.services.projects import project_create

    user = get_user_model().objects.create_user("bench", password=PASSWORD)
    project = project_create(user=user, name="bench")
    types = [entity_type_create(project=project, user=user, name=n, shortcut=k) for n, k in TYPES]
    documents_import(user=user, project=project, documents=[DocumentData("long.txt", text)])
    document = project.documents.get()
    Label.objects.bulk_create(
        Label(document=document, entity_type=types[i % len(types)], start=s, end=e, created_by=user, updated_by=user)
        for i, (s, e) in enumerate(spans)
    )
    return document


def serve():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


WORD_CENTER = """async (offset) => {
  const find = (children) => {
    let lo = 0, hi = children.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (+children[mid].dataset.s <= offset) lo = mid;
      else hi = mid - 1;
    }
    return children[lo];
  };
  const segment = find(find(document.getElementById("doc-text").children).children);
  const range = document.createRange();
  range.setStart(segment.firstChild, offset - +segment.dataset.s);
  range.setEnd(segment.firstChild, offset - +segment.dataset.s + 2);
  segment.scrollIntoView({ block: "center" });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const box = range.getClientRects()[0];
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}"""


def open_document(page, url: str) -> dict:
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    first = page.locator("#doc-text mark.ent").first
    first.wait_for(state="visible")
    page.wait_for_selector("#labeler[data-ready='1']")
    open_ms = (time.perf_counter() - started) * 1000
    first.click()
    page.wait_for_selector("#label-popover:not([hidden])")
    clickable_ms = (time.perf_counter() - started) * 1000
    marks = page.evaluate("() => ({...document.getElementById('labeler').dataset})")
    page.keyboard.press("Escape")
    return {
        "open_ms": round(open_ms),
        "first_label_clickable_ms": round(clickable_ms),
        "in_page_ready_ms": int(marks.get("readyMs", -1)),
        "in_page_painted_ms": int(marks.get("paintedMs", -1)),
    }


def main(adds: int = 20) -> None:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares this thread
    setup()
    from playwright.sync_api import sync_playwright

    rng = random.Random(7)
    text, spans, free = generate(rng)
    assert len(text) == CHARS and len(spans) == LABELS
    document = seed(text, spans)
    server = serve()
    base = f"http://127.0.0.1:{server.port}"
    url = f"{base}/projects/bench/documents/{document.pk}/label/"
    targets = rng.sample(free[len(free) // 10 :], adds)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

        cold = open_document(page, url)  # first visit: scripts and styles not cached yet
        warm = open_document(page, url)  # a returning user's visit
        page.wait_for_selector("#labeler[data-filled='1']", state="attached")  # the rest drawn while idle
        assert page.locator("#doc-text mark.ent").count() == LABELS

        page.evaluate(
            "() => { window.__confirmed = []; "
            "document.addEventListener('editor:confirmed', (e) => window.__confirmed.push(e.detail.ms)); }"
        )
        wall = []
        for i, (start, _end) in enumerate(targets):
            point = page.evaluate(WORD_CENTER, utf16(text, start))
            page.mouse.dblclick(point["x"], point["y"])
            tick = time.perf_counter()
            page.keyboard.press(TYPES[i % len(TYPES)][1])
            page.wait_for_function(f"window.__confirmed.length >= {i + 1}", polling="raf")
            wall.append((time.perf_counter() - tick) * 1000)
        confirmed = page.evaluate("window.__confirmed")
        labels = page.locator("#doc-text mark.ent").count()
        browser.close()

    from annotation.models import Label

    saved = Label.objects.filter(document=document).count()
    print(
        json.dumps(
            {
                "document_chars": CHARS,
                "labels": LABELS,
                **cold,
                "warm": warm,
                "adds": adds,
                "add_label_median_ms": round(statistics.median(confirmed), 1),
                "add_label_p90_ms": round(sorted(confirmed)[int(0.9 * (len(confirmed) - 1))], 1),
                "add_label_wall_median_ms": round(statistics.median(wall), 1),
                "labels_after": labels,
                "labels_saved": saved,
                "cpus": os.cpu_count(),
            }
        )
    )
    server.terminate()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
