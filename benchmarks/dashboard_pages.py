"""Render times of the manager, coaching, agent, calibration and rubric pages on a demo database.

    python benchmarks/dashboard_pages.py --db data/generated/bench-e2-100000/demo.duckdb
    python benchmarks/dashboard_pages.py --conversations 100000      # builds the demo DB once

Two measurements per page, each as the role that uses it:
1. server side (Streamlit AppTest, the whole script run): the first load (empty caches), loads
   after it (the target: < 2 s), and loads with the cache cleared (every query hits DuckDB, as
   after a filter change);
2. in headless Chromium through `qa serve`: from clicking the page in the navigation until the
   script has finished and every plotly chart has drawn its SVG — first visit and later visits.
Baseline, measured in the same run: the Overview page (two counts), so the ratio says how much
heavier a page is than the lightest page of the app under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENTRYPOINT = str(ROOT / "dashboard" / "streamlit_app.py")
TARGET_SECONDS = 2.0
# row label -> (page stem, navigation title, heading, role, plotly charts it draws at least)
PAGES = {
    "overview": ("overview", "Overview", "Cornerstone QA", "admin", 0),
    "team_trends": ("team_trends", "Team trends", "Team trends", "manager", 6),
    "team_trends*": ("team_trends", "Team trends", "Team trends", "admin", 6),  # all 8 teams
    "coaching": ("coaching", "Coaching", "Coaching", "manager", 2),
    "my_feedback": ("my_feedback", "My feedback", "My feedback", "agent", 2),
    "calibration": ("calibration", "Calibration", "Calibration", "qa_lead", 2),
    "rubrics": ("rubrics", "Rubrics", "Rubrics", "qa_lead", 1),
}


def build_demo(conversations: int) -> Path:
    folder = ROOT / "data" / "generated" / f"bench-e2-{conversations}"
    db = folder / "demo.duckdb"
    if not (db.exists() and (folder / "demo_accounts.txt").exists()):
        folder.mkdir(parents=True, exist_ok=True)
        qa = Path(sys.executable).with_name("qa")
        subprocess.run([str(qa), "demo", "--conversations", str(conversations), "--db", str(db)],
                       check=True)  # fmt: skip
    return db


def read_accounts(db: Path) -> dict[str, tuple[str, str]]:
    accounts: dict[str, tuple[str, str]] = {}
    for line in (db.parent / "demo_accounts.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in ("admin", "qa_lead", "reviewer", "manager", "agent"):
            accounts.setdefault(parts[1], (parts[0], parts[2]))
    return accounts


def viewers(db: Path, accounts: dict[str, tuple[str, str]]) -> dict:
    from warehouse.access import users
    from warehouse.storage.connection import connect

    with connect(db) as con:
        return {role: users.get_user(con, login).viewer() for role, (login, _) in accounts.items()}


def conversation_count(db: Path) -> int:
    from warehouse.storage.connection import connect

    with connect(db) as con:
        return con.execute("SELECT count(*) FROM conversations").fetchall()[0][0]


def time_apptest(label: str, viewer, repeats: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    page, charts = PAGES[label][0], PAGES[label][4]

    def one_run(cold: bool = False) -> float:
        at = AppTest.from_file(ENTRYPOINT, default_timeout=120)
        at.session_state["viewer"] = viewer
        at.run()  # the role's landing page
        if cold:
            st.cache_data.clear()
        started = time.perf_counter()
        at.switch_page(f"app_pages/{page}.py").run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
        if at.error or len(at.get("plotly_chart")) < charts:
            errors = [e.value for e in at.error]
            raise RuntimeError(f"{page} did not render fully as {viewer.role}: {errors}")
        return elapsed

    first = one_run(cold=True)
    warm = [one_run() for _ in range(repeats)]
    uncached = [one_run(cold=True) for _ in range(repeats)]
    return {"first": first, "warm": statistics.median(warm), "warm_max": max(warm),
            "uncached": statistics.median(uncached), "uncached_max": max(uncached)}  # fmt: skip


def time_browser(db: Path, accounts: dict[str, tuple[str, str]], repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import start_server, stop_server, wait_for_app
    from tests.browser.signin import sign_in

    results: dict[str, dict[str, float]] = {}
    server = start_server(db)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking", "--no-first-run"],
            )  # fmt: skip
            for label, (_, title, heading, role, charts) in PAGES.items():
                context = browser.new_context(viewport={"width": 1500, "height": 1000})
                page = context.new_page()
                sign_in(page, server.url, *accounts[role])
                wait_for_app(page)
                other, other_heading = ("Rubrics", "Rubrics") if title != "Rubrics" else (
                    "Overview", "Cornerstone QA")  # fmt: skip

                def visit(title=title, heading=heading, charts=charts, page=page) -> float:
                    started = time.perf_counter()
                    page.locator('[data-testid="stSidebarNav"]').get_by_text(
                        title, exact=True
                    ).click()
                    page.locator("h1").filter(has_text=heading).first.wait_for(timeout=120_000)
                    page.wait_for_function(
                        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                        f" && document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                        timeout=120_000,
                    )
                    return time.perf_counter() - started

                def leave(page=page, other=other, other_heading=other_heading) -> None:
                    page.locator('[data-testid="stSidebarNav"]').get_by_text(
                        other, exact=True
                    ).click()
                    page.locator("h1").filter(has_text=other_heading).first.wait_for(
                        timeout=120_000
                    )
                    page.wait_for_timeout(300)

                leave()
                first = visit()
                later = []
                for _ in range(repeats):
                    leave()
                    later.append(visit())
                results[label] = {"first": first, "later": statistics.median(later),
                                      "later_max": max(later)}  # fmt: skip
                context.close()
            browser.close()
    finally:
        stop_server(server)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database built by `qa demo`")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    db = args.db or build_demo(args.conversations)
    os.environ["CORNERSTONE_DB"] = str(db)
    accounts = read_accounts(db)
    by_role = viewers(db, accounts)
    print(f"database {db}: {conversation_count(db):,} conversations; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")  # fmt: skip

    print("(* = the same page as an admin, over all teams)")
    print("\n1. Server side (AppTest, whole script run), seconds")
    print(f"{'page':<13} {'role':<8} {'first':>7} {'after':>7} {'max':>7} {'no cache':>9} {'max':>7}"
          f" {'x base':>7}  target <{TARGET_SECONDS:.0f}s after first")  # fmt: skip
    server_side = {p: time_apptest(p, by_role[spec[3]], args.repeats) for p, spec in PAGES.items()}
    base = server_side["overview"]["warm"]
    for page_stem, r in server_side.items():
        ok = "ok" if r["warm_max"] < TARGET_SECONDS else "SLOW"
        print(f"{page_stem:<13} {PAGES[page_stem][3]:<8} {r['first']:7.2f} {r['warm']:7.2f} "
              f"{r['warm_max']:7.2f} {r['uncached']:9.2f} {r['uncached_max']:7.2f} "
              f"{r['warm'] / base:7.1f}  {ok}")  # fmt: skip

    if not args.no_browser:
        print(
            "\n2. Headless Chromium via `qa serve`: click in the navigation -> charts drawn, seconds"
        )
        print(f"{'page':<13} {'role':<8} {'first':>7} {'later':>7} {'max':>7} {'x base':>7}")
        browser = time_browser(db, accounts, args.repeats)
        base = browser["overview"]["later"]
        for page_stem, r in browser.items():
            ok = "ok" if r["later_max"] < TARGET_SECONDS else "SLOW"
            print(f"{page_stem:<13} {PAGES[page_stem][3]:<8} {r['first']:7.2f} {r['later']:7.2f} "
                  f"{r['later_max']:7.2f} {r['later'] / base:7.1f}  {ok}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
