"""The workbench in a real browser: `streamlit run app.py` driven by headless Chromium.

A decision made on the Kondensasi page must survive a reload and be in the
database; every page must render the sample study without a script error or a
dialog (a transcript holds `<script>` and `<img onerror>`). Set QUALCODE_SHOTS to a
folder to keep a screenshot of every page there.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import APP, ROOT, SAMPLE, accept_all, hostile_source, small_project

from qualcode.service import Project

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is needed at /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def serve(tmp_path) -> Iterator[Any]:
    """A function starting the app on a project; every server is stopped at the end."""
    servers: list[subprocess.Popen[bytes]] = []

    def start(project: Path) -> str:
        port = _free_port()
        env = {**os.environ, "QUALCODE_PROJECT": str(project), "QUALCODE_USER": "peramban"}
        log = (tmp_path / f"streamlit-{port}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {(tmp_path / log.name).read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return url
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in 90 s")

    try:
        yield start
    finally:
        for process in servers:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture()
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Page:
    """A browser tab on the app, with the few gestures the tests need."""

    def __init__(self, browser: Any, base: str, height: int = 1400) -> None:
        self.page = browser.new_page(viewport={"width": 1440, "height": height})
        self.base = base
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"error: {error}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def settle(self) -> None:
        time.sleep(0.4)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=60_000,
        )
        time.sleep(0.6)

    def open(self, path: str = "") -> None:
        self.page.goto(f"{self.base}/{path}")
        self.page.wait_for_selector("h1", timeout=90_000)
        self.settle()

    def click(self, name: str, role: str = "button") -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.settle()

    def press(self, key: str) -> None:
        """Click the button the app created with ``key=key``."""
        self.page.locator(f".st-key-{key} button").click()
        self.settle()

    def text(self) -> str:
        return str(self.page.locator("[data-testid='stMain']").inner_text())

    def shows(self, text: str, timeout: float = 60) -> bool:
        """True once the page shows ``text`` (reruns can land a moment later)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.text():
                return True
            time.sleep(0.3)
        return False


def _status(project: Path, coding_id: int) -> str:
    with Project.open(project) as opened:
        frame = opened.codings_frame().set_index("coding_id")
    return str(frame.loc[coding_id, "status"])


def test_an_accepted_suggestion_stays_accepted_after_a_reload(
    tmp_path_factory, tmp_path, serve, browser
):
    project = small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")
    with Project.open(project) as opened:
        codings = opened.codings_frame()
        first_document = int(opened.documents_frame()["document_id"].iloc[0])
    queue = codings.loc[
        (codings["status"] == "suggested") & (codings["document_id"] == first_document)
    ].sort_values(["start", "end", "coding_id"])
    first, second = (int(i) for i in queue["coding_id"].iloc[:2])
    total = len(queue)

    tab = Page(browser, serve(project))
    tab.open("kondensasi")
    assert tab.shows(f"Usulan 1 dari {total}")
    tab.press("qc_accept")
    assert tab.shows(f"Usulan 1 dari {total - 1}")
    assert _status(project, first) == "accepted"

    tab.page.keyboard.press("a")  # the keyboard shortcut accepts the next one
    assert tab.shows(f"Usulan 1 dari {total - 2}")
    assert _status(project, second) == "accepted"

    tab.page.reload()
    tab.page.wait_for_selector("h1", timeout=90_000)
    tab.settle()
    assert tab.shows(f"Usulan 1 dari {total - 2}")
    tab.click("Baca dokumen", role="radio")
    assert tab.shows("· diterima")
    assert tab.text().count("· diterima") == 2  # the two chips, not the status filter
    assert _status(project, first) == "accepted" and _status(project, second) == "accepted"
    with Project.open(project) as opened:
        log = opened.audit_log(entity="coding", limit=5)
    assert set(log["actor"]) == {"peramban"}
    assert tab.problems == []


def test_every_page_renders_the_sample_study(tmp_path, serve, browser):
    project = tmp_path / "sampel.qualcode"
    with Project.create(project, name="Studi sampel") as opened:
        opened.import_paths([SAMPLE])
        opened.add_source(hostile_source())
        opened.code()
    accept_all(project, every=2)
    with Project.open(project) as opened:
        segments = opened.segments_frame()
        coded = opened.codings_frame().query("status == 'accepted'")
        evidence = [int(i) for i in coded["segment_id"].dropna().unique()[:4]]
        opened.save_conclusion(
            "Keterlambatan data OPD dan kendala e-office menghambat kinerja Bagian Organisasi.",
            code_ids=["faktor_sistem"],
            supporting=evidence[:3],
            contradicting=evidence[3:],
            actor="peramban",
        )
        assert len(segments)
    shots = Path(os.environ.get("QUALCODE_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)

    tab = Page(browser, serve(project), height=1800)
    views: list[tuple[str, str, list[tuple[str, str]]]] = [
        ("proyek", "", []),
        ("buku_kode", "buku_kode", []),
        ("kondensasi", "kondensasi", []),
        ("kondensasi-baca", "kondensasi", [("Baca dokumen", "radio")]),
        ("kondensasi-manual", "kondensasi", [("Kode manual", "radio")]),
        ("kondensasi-memo", "kondensasi", [("Memo", "radio")]),
        ("penyajian", "penyajian", []),
        ("penyajian-jaringan", "penyajian", [("Jaringan kode", "radio")]),
        ("penyajian-frekuensi", "penyajian", [("Frekuensi", "radio")]),
        ("kesimpulan", "kesimpulan", []),
        ("kesimpulan-kode", "kesimpulan", [("Triangulasi per kode", "tab")]),
        ("ekspor", "ekspor", []),
    ]
    for name, path, clicks in views:
        tab.open(path)
        for label, role in clicks:
            tab.click(label, role)
        assert "Traceback" not in tab.text(), name
        tab.page.screenshot(path=str(shots / f"{name}.png"))
    # the hostile transcript is shown as text
    tab.open("kondensasi")
    box = tab.page.locator("[data-testid='stSelectbox']").filter(has_text="Dokumen").first
    box.click()
    tab.page.keyboard.type("<img")
    tab.page.get_by_role("option").first.click()
    tab.settle()
    tab.click("Baca dokumen", "radio")
    assert tab.shows("<script>alert(1)</script>")
    assert tab.page.locator("[data-testid='stMain'] script").count() == 0
    tab.page.screenshot(path=str(shots / "kondensasi-hostile.png"))
    assert tab.problems == []
    if not os.environ.get("QUALCODE_SHOTS"):
        shutil.rmtree(shots, ignore_errors=True)
