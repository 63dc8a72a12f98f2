"""Users (admins): accounts, roles, teams; add, disable/enable, change role, reset password."""

import streamlit as st

from cornerstone.settings import default_db_path
from dashboard.session import require_roles
from warehouse import users
from warehouse.connection import connect, transaction
from warehouse.errors import WarehouseError
from warehouse.viewer import ROLES

viewer = require_roles("admin")
st.title("Users")
st.caption("Every change is recorded in the audit log. Passwords are stored only as hashes.")


def _teams(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _apply(action, success: str) -> None:
    try:
        with connect(default_db_path()) as con, transaction(con):
            action(con)
    except WarehouseError as error:
        st.error(str(error))
    else:
        st.session_state["users_flash"] = success
        st.rerun()


if flash := st.session_state.pop("users_flash", None):
    st.success(flash)

with connect(default_db_path()) as con:
    accounts = users.list_users(con, viewer)

st.dataframe(
    [
        {
            "login": a["user_id"],
            "name": a["display_name"],
            "role": a["role"],
            "agent id": a["agent_id"] or "",
            "teams": ", ".join(a["teams"]),
            "disabled": a["disabled"],
            "created": a["created_at"],
            "last seen": a["last_seen_at"],
        }
        for a in accounts
    ],
    hide_index=True,
    width="stretch",
)
logins = [a["user_id"] for a in accounts]

add_tab, change_tab, access_tab, password_tab = st.tabs(
    ["Add user", "Change role", "Disable / enable", "Reset password"]
)
with add_tab, st.form("users_add", clear_on_submit=True):
    login = st.text_input("Login", key="users_add_login", max_chars=64)
    name = st.text_input("Display name", key="users_add_name", max_chars=200)
    role = st.selectbox("Role", ROLES, key="users_add_role")
    agent_id = st.text_input("Agent id (agents only)", key="users_add_agent", max_chars=100)
    teams = st.text_input("Teams, comma-separated (managers only)", key="users_add_teams")
    password = st.text_input("Initial password", type="password", key="users_add_password")
    if st.form_submit_button("Add user", type="primary"):
        _apply(
            lambda con: users.add_user(
                con, viewer, login, role, password,
                display_name=name or None, agent_id=agent_id, teams=_teams(teams),
            ),
            f"Added {login.strip().lower()} ({role}).",
        )  # fmt: skip

with change_tab, st.form("users_change"):
    who = st.selectbox("Account", logins, key="users_change_login")
    role = st.selectbox("New role", ROLES, key="users_change_role")
    agent_id = st.text_input("Agent id (agents only)", key="users_change_agent")
    teams = st.text_input("Teams, comma-separated (managers only)", key="users_change_teams")
    if st.form_submit_button("Change role"):
        _apply(
            lambda con: users.change_role(
                con, viewer, who, role, agent_id=agent_id, teams=_teams(teams)
            ),
            f"{who} is now {role}; their open sessions were ended.",
        )

with access_tab:
    who = st.selectbox("Account", logins, key="users_access_login")
    left, right = st.columns(2)
    if left.button("Disable", key="users_disable"):
        _apply(lambda con: users.disable_user(con, viewer, who), f"Disabled {who}.")
    if right.button("Enable", key="users_enable"):
        _apply(lambda con: users.enable_user(con, viewer, who), f"Enabled {who}.")

with password_tab, st.form("users_password", clear_on_submit=True):
    who = st.selectbox("Account", logins, key="users_password_login")
    password = st.text_input("New password", type="password", key="users_password_new")
    if st.form_submit_button("Set password"):
        _apply(
            lambda con: users.set_password(con, viewer, who, password),
            f"Password of {who} changed; their open sessions were ended.",
        )
