"""The review form saves exactly what the reviewer saw (issue 18, findings 1 and 2), in a real browser.

A reviewer switches between conversations in a random order (seeded), changes answers with
reasons, writes comments, sometimes clicks Submit straight out of the comment box, and after
every submit the test compares what the DATABASE holds with what was on screen for that
conversation, and with what the reviewer did to that conversation only. A second test does the
same while `qa score` re-scores the whole database again and again with a changed rubric set.

Widgets are found by their visible labels (not by our keys), so the same test runs on any
version of the page.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.browser.conftest import QA, ROOT, assert_no_errors, open_page, sign_in, wait_for_app
from warehouse.review.rubric_specs import parse_definition
from warehouse.storage.connection import connect

SAVED = re.compile(r"Review #\d+ .*saved")
REFUSED = "Nothing was saved"


def db_rows(db: Path, sql: str, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def fresh_conversations(db: Path, login: str, count: int, offset: int) -> list[str]:
    """Scored conversations this reviewer has neither reviewed nor been assigned (other tests
    work on the assigned ones), spread over the database."""
    return [
        r[0]
        for r in db_rows(
            db,
            "SELECT s.conversation_id FROM conversation_scores AS s"
            " WHERE NOT EXISTS (SELECT 1 FROM reviews AS r WHERE r.conversation_id = s.conversation_id)"
            " AND NOT EXISTS (SELECT 1 FROM review_assignments AS a"
            "                 WHERE a.conversation_id = s.conversation_id AND a.reviewer_id = ?)"
            " ORDER BY hash(s.conversation_id) LIMIT ? OFFSET ?",
            [login, count, offset],
        )
    ]


def criterion_labels(db: Path) -> dict[str, tuple[str, str, str]]:
    """Criterion label -> (rubric_id, criterion_id, scale), from every stored rubric set."""
    labels = {}
    for (definition,) in db_rows(db, "SELECT CAST(definition AS VARCHAR) FROM rubric_sets"):
        for rubric in parse_definition(definition):
            for c in rubric.criteria:
                labels[c.label] = (c.rubric_id, c.criterion_id, c.scale)
    return labels


def main_area(page: Page):
    return page.locator('[data-testid="stMain"]')


def open_in_sidebar(page: Page, conversation_id: str, wait: bool = True) -> None:
    """Open a conversation by id from the sidebar; `wait=False` returns as soon as Open is
    clicked, as a person who starts typing before the page has finished loading."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.get_by_label("Open conversation by id")
    if not box.count():
        open_page(page, "Review conversation")
    box.fill(conversation_id)
    box.press("Enter")
    wait_for_app(page)
    sidebar.get_by_role("button", name="Open", exact=True).click()
    if not wait:
        return
    expect(
        page.locator("[data-testid='stHtml'] code").filter(has_text=conversation_id)
    ).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(main_area(page).get_by_role("button", name="Submit review")).to_be_visible()


def radios(page: Page):
    return main_area(page).locator('[data-testid="stRadio"]')


def radio_label(radio) -> str:
    text = radio.locator('[data-testid="stWidgetLabel"]').first.inner_text(timeout=2_000).strip()
    return text.splitlines()[0].replace("critical", "").strip()


def checked(radio) -> str | None:
    found = radio.locator("label:has(input:checked)")
    return found.first.inner_text().strip() if found.count() else None


def reasons(page: Page):
    return main_area(page).get_by_label("Reason if you change the auto-score")


def overall(page: Page):
    return main_area(page).get_by_label("Overall comment (for the agent)")


def shown_form(page: Page, labels) -> tuple[dict[str, tuple[str | None, str]], str]:
    """What is on screen: {rubric.criterion: (answer, reason)} and the overall comment (read
    until two readings agree, so a page still being redrawn is not read half-way)."""
    wait_for_app(page)
    last = None
    for _ in range(10):
        try:
            now = _read_form(page, labels)
        except (PlaywrightError, KeyError):
            now = None
        if now is not None and now == last:
            return now
        last = now
        page.wait_for_timeout(300)
    raise AssertionError("the review form did not settle")


READ_FORM = """main => {
    const text = el => (el ? el.innerText.trim() : null);
    const radios = [...main.querySelectorAll('[data-testid="stRadio"]')].map(radio => [
        text(radio.querySelector('[data-testid="stWidgetLabel"]')),
        text([...radio.querySelectorAll("label")].find(l => l.querySelector("input:checked"))),
    ]);
    const reasons = [...main.querySelectorAll(
        'input[aria-label="Reason if you change the auto-score"]')].map(box => box.value);
    const overall = main.querySelector('textarea[aria-label="Overall comment (for the agent)"]');
    return {radios, reasons, overall: overall ? overall.value : null};
}"""


def _read_form(page: Page, labels) -> tuple[dict[str, tuple[str | None, str]], str]:
    """The form as drawn, read in one round trip to the browser."""
    form = main_area(page).evaluate(READ_FORM)
    if form["overall"] is None or len(form["reasons"]) != len(form["radios"]):
        raise KeyError("the form is being drawn")
    answers = {}
    for (label, answer), reason in zip(form["radios"], form["reasons"], strict=True):
        if label is None:
            raise KeyError("a question without its label")
        question = label.splitlines()[0].replace("critical", "").strip()
        rubric_id, criterion_id, _ = labels[question]
        answers[f"{rubric_id}.{criterion_id}"] = (answer, reason)
    return answers, form["overall"]


def as_choice(scale: str, value, na) -> str:
    if na:
        return "N/A"
    if scale == "yes_no":
        return "Yes" if value >= 1 else "No"
    return str(int(value))


def stored(db: Path, conversation_id: str, login: str, labels):
    """The current review in the database as the form would show it, and its overall comment."""
    found = db_rows(
        db,
        "SELECT review_id, overall_comment FROM current_reviews WHERE conversation_id = ? AND reviewer_id = ?",
        [conversation_id, login],
    )
    assert len(found) == 1, (conversation_id, found)
    scales = {f"{r}.{c}": s for r, c, s in labels.values()}
    criteria = {
        key: (as_choice(scales[key], value, na), reason or "")
        for key, value, na, reason in db_rows(
            db,
            "SELECT rubric_id || '.' || criterion_id, value, na, override_reason FROM review_criteria"
            " WHERE review_id = ?",
            [found[0][0]],
        )
    }
    return criteria, found[0][1] or ""


def change_answer(page: Page, index: int, reason: str) -> tuple[str, str]:
    """Pick another answer for criterion `index` and give a reason; return (answer, reason)."""
    radio = radios(page).nth(index)
    now = checked(radio)
    options = [t.strip() for t in radio.locator("label:has(input)").all_inner_texts() if t.strip()]
    choice = next(o for o in reversed(options) if o not in (now, "N/A"))
    radio.locator("label").filter(has_text=re.compile(rf"^{re.escape(choice)}$")).first.click()
    wait_for_app(page)
    box = reasons(page).nth(index)
    box.fill(reason)
    box.press("Tab")
    wait_for_app(page)
    return choice, reason


def submit(page: Page) -> str:
    """Click Submit review; return the saved/refused message of THIS submit (a message left on
    screen by the previous one is not taken for it)."""
    alerts = main_area(page).locator('[data-testid="stAlert"]')
    # the whole message box: a refusal's reasons are a list below its first line
    outcome = alerts.filter(has_text=SAVED).or_(alerts.filter(has_text=REFUSED))
    before = outcome.first.inner_text() if outcome.count() else None
    main_area(page).get_by_role("button", name="Submit review").click()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if outcome.count() and outcome.first.inner_text() != before:
            break
        if outcome.count() and time.monotonic() > deadline - 80:  # the same refusal again
            break
        page.wait_for_timeout(200)
    expect(outcome.first).to_be_visible(timeout=5_000)
    wait_for_app(page)
    return outcome.first.inner_text()


def submit_until_saved(page: Page, labels, attempts: int = 4):
    """Submit; a truthful refusal (the auto-score changed under the form) keeps the reviewer's
    input, so submitting again saves it. Returns what was on screen at the saving submit."""
    for _ in range(attempts):
        shown = shown_form(page, labels)
        message = submit(page)
        if SAVED.search(message):
            return shown, message
        assert "auto-score of this conversation changed" in message or "busy" in message, message
        assert overall(page).input_value() == shown[1], "a refused submit lost the comment"
    pytest.fail(f"not saved after {attempts} submits: {message}")


@pytest.mark.parametrize("seed", [18, 1802])
def test_switching_conversations_in_any_order_stores_exactly_what_was_shown(
    browser_page, server, accounts, seed
):
    page = browser_page
    login, password = accounts["reviewer"]
    rng = random.Random(seed)
    ids = fresh_conversations(server.db_path, login, 3, offset=seed % 97)
    labels = criterion_labels(server.db_path)
    sign_in(page, server.url, login, password)
    open_in_sidebar(page, ids[0])
    current = ids[0]
    initial = {}  # conversation -> the form as first shown (auto-score or saved version)
    edits: dict[str, dict[str, tuple[str, str]]] = {c: {} for c in ids}  # what we did to each
    comments = dict.fromkeys(ids, "")
    initial[current] = shown_form(page, labels)[0]
    submitted = 0
    for step in range(14):
        action = rng.choice(["open", "open", "answer", "answer", "comment", "submit"])
        if step == 13:
            action = "submit"
        if action == "open":
            current = rng.choice([c for c in ids if c != current])
            open_in_sidebar(page, current)
            initial.setdefault(current, shown_form(page, labels)[0])
        elif action == "answer":
            index = rng.randrange(radios(page).count())
            key = "{}.{}".format(*labels[radio_label(radios(page).nth(index))][:2])
            edits[current][key] = change_answer(page, index, f"seed {seed} step {step}: {current}")
        elif action == "comment":
            comments[current] = f"Overall for {current} (seed {seed}, step {step})"
            overall(page).fill(comments[current])
            if rng.random() < 0.5:  # sometimes the box is left before submitting, sometimes not
                overall(page).press("Tab")
                wait_for_app(page)
        else:
            (answers, comment), _ = submit_until_saved(page, labels)
            expected = {**initial[current], **edits[current]}
            assert answers == expected, (
                current,
                {
                    k: (answers.get(k), expected.get(k))
                    for k in set(answers) | set(expected)
                    if answers.get(k) != expected.get(k)
                },
            )
            assert comment == comments[current]
            in_db, comment_in_db = stored(server.db_path, current, login, labels)
            assert in_db == answers, f"{current}: stored answers differ from the ones shown"
            assert comment_in_db == comment, f"{current}: stored comment differs"
            submitted += 1
            initial[current] = shown_form(page, labels)[0]  # now the saved version
            assert initial[current] == answers
            edits[current], comments[current] = {}, ""
            assert overall(page).input_value() == ""
        assert_no_errors(page)
    assert submitted >= 1


def rubric_variant(folder: Path) -> Path:
    """A copy of the shipped rubrics that scores differently (a new rubric set): one rubric
    weighted differently, and a first reply is on time only within one second, so
    `responsiveness.first_response` is 1 for every conversation with an agent reply."""
    shutil.copytree(ROOT / "rubrics", folder)
    path = sorted(folder.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"^weight:\s*[\d.]+", "weight: 7", text, count=1, flags=re.MULTILINE)
    assert changed != text, "no top-level weight to change in " + path.name
    path.write_text(changed, encoding="utf-8")
    path = folder / "responsiveness.yaml"
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"targets: \{chat: 60, [^}]*\}", "targets: {default: 1}", text, count=1)
    assert changed != text, "no first_response targets to change in " + path.name
    path.write_text(changed, encoding="utf-8")
    return folder


def flipping_conversations(db: Path, login: str, count: int) -> list[str]:
    """Fresh conversations whose stored first_response answer (shipped rubrics) is 3 or more,
    so every re-score with `rubric_variant` changes the answer pre-filled on the form."""
    fresh = fresh_conversations(db, login, 400, offset=500)
    rows = db_rows(
        db,
        "SELECT conversation_id FROM criterion_scores WHERE rubric_id = 'responsiveness'"
        " AND criterion_id = 'first_response' AND NOT na AND value >= 3"
        " AND conversation_id IN (SELECT unnest(?))",
        [fresh],
    )
    found = {r[0] for r in rows}
    return [c for c in fresh if c in found][:count]


def test_reviews_submitted_while_qa_score_runs_keep_their_comments_and_answers(
    browser_page, server, accounts, tmp_path
):
    """Finding 2: while `qa score` re-scores, a submit must store the comment and the answers
    shown, and may be refused only truthfully. `qa score` runs in a loop alternating two rubric
    sets that give different first_response answers, and every form is submitted only after a
    run has finished under it (the auto-score it was pre-filled with is no longer the stored one)
    while the next run is writing. The review form before 0bef16b failed here: it refused such a
    submit with "you changed the auto-score; give a reason for the override", though the reviewer
    had changed nothing."""
    page = browser_page
    login, password = accounts["reviewer"]
    ids = flipping_conversations(server.db_path, login, 3)
    assert len(ids) == 3, ids
    variants = [rubric_variant(tmp_path / "rubrics-b"), ROOT / "rubrics"]
    stop, runs, failures, submits = threading.Event(), [], [], []

    def keep_scoring() -> None:
        while not stop.is_set():
            rubrics = variants[len(runs) % 2]
            started = time.monotonic()
            result = subprocess.run(
                [str(QA), "score", "--db", str(server.db_path), "--rubrics", str(rubrics), "--quiet"],
                cwd=ROOT, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            runs.append((started, time.monotonic()))
            if result.returncode != 0:
                failures.append(result.stderr[-2000:])
                return

    def wait_for_a_run_after(moment: float) -> None:
        deadline = time.monotonic() + 180
        while not any(end > moment for _, end in runs):
            assert not failures, failures
            assert time.monotonic() < deadline, "no qa score run finished within 180 s"
            page.wait_for_timeout(250)

    sign_in(page, server.url, login, password)
    labels = criterion_labels(server.db_path)
    scorer = threading.Thread(target=keep_scoring, daemon=True)
    scorer.start()
    saved = {}
    try:
        for n, conversation_id in enumerate(ids):
            comment = f"Comment on {conversation_id} while qa score runs"
            open_in_sidebar(page, conversation_id)
            opened = time.monotonic()
            labels = criterion_labels(server.db_path)
            if n % 2:  # half of them with an override and its reason
                change_answer(page, n % radios(page).count(), f"while scoring {conversation_id}")
            overall(page).fill(comment)  # submitted straight from the box (no blur first)
            wait_for_a_run_after(opened)  # the pre-filled auto-score is stale now
            submits.append(time.monotonic())
            saved[conversation_id] = submit_until_saved(page, labels)[0]
            assert_no_errors(page)
    finally:
        stop.set()
        scorer.join(timeout=600)
    assert not failures, failures
    overlapping = [t for t in submits if any(start <= t <= end for start, end in runs)]
    assert len(overlapping) >= 2, f"only {len(overlapping)} submits happened while qa score ran"
    labels = criterion_labels(server.db_path)
    assert len(saved) == len(ids)
    for conversation_id, (answers, comment) in saved.items():
        assert comment == f"Comment on {conversation_id} while qa score runs"
        in_db, comment_in_db = stored(server.db_path, conversation_id, login, labels)
        assert comment_in_db == comment, f"{conversation_id}: the comment was lost"
        assert in_db == answers, f"{conversation_id}: stored answers differ from the ones shown"
