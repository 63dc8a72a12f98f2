"""Shared fixtures for the real-browser tests: a demo database, `qa serve`, headless Chromium.

The demo database is built once with the real `qa demo` (generate → ingest → score → seed) and
cached under data/generated/browser-demo-<N>/ (N = $CORNERSTONE_BROWSER_CONVERSATIONS, default
2,000; the acceptance run uses 10,000). Each test session works on a copy, so tests never see
another run's reviews. `qa serve` runs as a subprocess on a free port; Chromium is Debian's
(`/usr/bin/chromium`), because Playwright's own browser download cannot work offline.

    def test_x(browser_page, server, accounts):
        sign_in(browser_page, server.url, *accounts["reviewer"])
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
QA = Path(sys.executable).with_name("qa")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
CONVERSATIONS = int(os.environ.get("CORNERSTONE_BROWSER_CONVERSATIONS", "2000"))
STARTUP_SECONDS = 90


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a real browser: `-m "not browser"` leaves them all out."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Server:
    url: str
    db_path: Path
    process: subprocess.Popen


def _code_fingerprint() -> str:
    """Hash of everything that shapes a demo database, so a stale cache is never reused."""
    digest = hashlib.sha256()
    for folder in ("rubrics", "canonical", "config", "scoring", "warehouse", "cornerstone/demo"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".sql", ".yaml"):
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_demo_db(conversations: int) -> Path:
    """The cached demo database for `conversations` (built with `qa demo` when absent).

    A `complete` marker is written only after `qa demo` succeeded, and a lock file serialises
    test sessions (other helpers' browser tests) that would build the same cache at once.
    """
    folder = ROOT / "data" / "generated" / f"browser-demo-{conversations}-{_code_fingerprint()}"
    db = folder / "demo.duckdb"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"browser-demo-{conversations}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "complete").exists():
            return db
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        result = subprocess.run(
            [str(QA), "demo", "--conversations", str(conversations), "--db", str(db)],
            cwd=ROOT, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        if result.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.fail(f"qa demo failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        (folder / "complete").write_text("built by tests/browser/conftest.py\n", encoding="utf-8")
    return db


def read_accounts(accounts_file: Path) -> dict[str, tuple[str, str]]:
    """role -> (login, password) from the demo accounts table `qa demo` writes."""
    accounts: dict[str, tuple[str, str]] = {}
    for line in accounts_file.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in ("admin", "qa_lead", "reviewer", "manager", "agent"):
            accounts.setdefault(parts[1], (parts[0], parts[2]))
    return accounts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"qa serve exited with {process.returncode}: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"qa serve did not answer {url}/_stcore/health within {seconds:.0f}s")


def start_server(db_path: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [str(QA), "serve", "--db", str(db_path), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", db_path, process)
    wait_healthy(server.url, process)
    return server


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory) -> Path:
    """A private copy of the cached demo database (and its accounts file) for this test session."""
    source = build_demo_db(CONVERSATIONS)
    folder = tmp_path_factory.mktemp("browser-demo")
    shutil.copy2(source, folder / "demo.duckdb")
    shutil.copy2(source.parent / "demo_accounts.txt", folder / "demo_accounts.txt")
    return folder / "demo.duckdb"


@pytest.fixture(scope="session")
def accounts(demo_copy: Path) -> dict[str, tuple[str, str]]:
    return read_accounts(demo_copy.parent / "demo_accounts.txt")


@pytest.fixture(scope="session")
def server(demo_copy: Path) -> Iterator[Server]:
    running = start_server(demo_copy)
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own Streamlit session) with a wide viewport."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]  # JS errors seen, for assertions
    try:
        yield page
    finally:
        context.close()


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no spinner, app rendered)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.trim() === ''",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def sign_in(page: Page, base_url: str, login: str, password: str) -> None:
    """Open the app and sign in (a page reload is a new Streamlit session: sign in again)."""
    try:  # F's helper, when present, knows the sign-in page best
        from tests.browser.signin import sign_in as f_sign_in
    except ImportError:
        f_sign_in = None
    if f_sign_in is not None:
        f_sign_in(page, base_url, login, password)
        wait_for_app(page)
        return
    page.goto(base_url)
    page.get_by_label("Login", exact=True).fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=60_000)
    wait_for_app(page)


def open_page(page: Page, title: str) -> None:
    """Click a page in the sidebar navigation (keeps the signed-in session) and wait for it to run."""
    link = page.locator('[data-testid="stSidebarNav"] a').filter(
        has_text=re.compile(rf"{re.escape(title)}$")
    )
    more = page.locator('[data-testid="stSidebarNav"]').get_by_text(re.compile(r"^View \d+ more$"))
    if link.count() == 0 and more.count():  # a long navigation folds its last pages away
        more.first.click()
    href = link.first.get_attribute("href")
    link.first.click()
    if href:
        page.wait_for_url(href, timeout=60_000)
    page.wait_for_timeout(500)  # let the rerun start before waiting for it to finish
    wait_for_app(page)


def assert_no_errors(page: Page) -> None:
    """No Python exception box, no st.error and no JS page error on the current page."""
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    assert not getattr(page, "errors", []), page.errors  # type: ignore[attr-defined]
