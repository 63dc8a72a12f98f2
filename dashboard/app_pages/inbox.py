"""Inbox (everyone): my notifications — new feedback on my conversations, disputes opened and
resolved, conversations assigned to me — newest first, unread ones marked; open one (it becomes
read), mark all read, and choose an address to get them by e-mail.

Notifications are derived from reviews, disputes and assignments (warehouse/review/notifications.py),
each read through the signed-in viewer, so nobody sees another person's inbox.
"""

import re

import streamlit as st

from config.settings import SettingsError, default_db_path
from dashboard.page_roles import may_see
from dashboard.session import current_viewer
from dashboard.text import break_autolinks
from warehouse.errors import DatabaseBusyError, WarehouseError
from warehouse.review import notifications
from warehouse.review.notification_delivery import DeliverySettings, DeliverySettingsError
from warehouse.storage.connection import connect

PAGE_SIZE = 30
SHOWN_KEY = "inbox_shown"
# Every ASCII punctuation character, backslash-escaped, is literal in CommonMark: no link, image,
# emphasis, HTML, maths or directive from a name or id.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: str) -> str:
    """Names, ids and criteria come from imports and people: show them as text, never markup."""
    return _PUNCTUATION.sub(r"\\\1", break_autolinks(" ".join(text.split())))


def target(viewer, item: notifications.Notification) -> tuple[str, dict[str, str]] | None:
    """The page (and its query parameters) that shows what a notification is about."""
    wanted: list[tuple[str, dict[str, str]]] = []
    if item.kind == "assigned":
        wanted = [("calibration", {})] if item.about_calibration else []
        wanted += [("review_queue", {})]
    elif item.conversation_id:
        params = {"conversation": item.conversation_id}
        if viewer.role == "agent":
            wanted = [("my_feedback", params)]
        else:
            wanted = [("review_conversation", params), ("my_feedback", params)]
    for stem, params in wanted:
        if may_see(viewer.role, stem):
            return f"app_pages/{stem}.py", params
    return None


def load(viewer) -> tuple[list[notifications.Notification], str | None]:
    with connect(default_db_path(), wait_seconds=10) as con:
        return notifications.inbox(con, viewer), notifications.email_address(con, viewer)


def mark_read(viewer, keys: list[str] | None) -> bool:
    """Mark read; False (with a plain message) when an import holds the database."""
    try:
        with connect(default_db_path(), wait_seconds=10) as con:
            notifications.mark_read(con, viewer, keys)
    except DatabaseBusyError:
        st.warning("The database is busy (an import or scoring run); nothing was marked. "
                   "Try again shortly.")  # fmt: skip
        return False
    return True


viewer = current_viewer()
st.title("Inbox")
try:
    items, address = load(viewer)
except DatabaseBusyError:
    st.warning("The database is busy (an import or scoring run is writing). Try again shortly.")
    st.stop()

unread = [n for n in items if not n.is_read]
top = st.columns([3, 1])
top[0].caption(f"{len(unread):,} unread of {len(items):,}" if items else "Nothing here yet.")
if unread and top[1].button("Mark all as read", key="inbox_mark_all", icon=":material/done_all:"):
    if mark_read(viewer, None):
        st.rerun()

if not items:
    st.info(
        "New feedback on your conversations, disputes and conversations assigned to you will "
        "appear here."
    )
show = st.segmented_control(
    "Show", ["Unread", "All"], default="Unread" if unread else "All", key="inbox_filter"
)
listed = unread if show == "Unread" else items
if items and not listed:
    st.success("All read.")
shown = st.session_state.get(SHOWN_KEY, PAGE_SIZE)
for item in listed[:shown]:
    with st.container(border=True):
        text_column, action_column = st.columns([6, 1])
        badge = "" if item.is_read else ":blue-badge[Unread] "
        text_column.markdown(
            f"{badge}**{notifications.KIND_LABELS[item.kind]}** · "
            f"{item.occurred_at:%d %b %Y, %H:%M} UTC"
        )
        text_column.markdown(plain(item.text))
        goal = target(viewer, item)
        if goal and action_column.button("Open", key=f"inbox_open_{item.key}"):
            if not item.is_read:
                mark_read(viewer, [item.key])  # still opens if the database is busy
            page, params = goal
            st.switch_page(page, query_params=params or None)
        if not item.is_read and action_column.button("Mark read", key=f"inbox_read_{item.key}"):
            if mark_read(viewer, [item.key]):
                st.rerun()
if len(listed) > shown:
    if st.button(f"Show {min(PAGE_SIZE, len(listed) - shown)} more", key="inbox_more"):
        st.session_state[SHOWN_KEY] = shown + PAGE_SIZE
        st.rerun()

with st.expander("Get these by e-mail"):
    try:
        email_ready = DeliverySettings.from_settings().email_enabled
    except (DeliverySettingsError, SettingsError):  # the server's problem: its log says so
        email_ready = False
    if not email_ready:
        st.caption(
            "E-mail is not set up on this server yet: your address is kept and used once it is."
        )
    with st.form("inbox_email"):
        new_address = st.text_input(
            "Send my new notifications to", value=address or "", key="inbox_email_address",
            placeholder="name@example.com", help="Leave empty to stop e-mails.",
        )  # fmt: skip
        if st.form_submit_button("Save"):
            try:
                with connect(default_db_path(), wait_seconds=10) as con:
                    saved = notifications.set_email_address(con, viewer, new_address)
            except DatabaseBusyError:
                st.warning("The database is busy (an import or scoring run); nothing was saved. "
                           "Try again shortly.")  # fmt: skip
            except WarehouseError as error:
                st.error(str(error))
            else:
                st.success(
                    f"New notifications will be e-mailed to {plain(saved)}."
                    if saved
                    else "No e-mails will be sent."
                )
