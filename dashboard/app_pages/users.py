"""Users (admins): accounts, roles, teams, locks; add, change role, unlock, disable/enable,
reset password, company sign-in e-mail. Every change is checked and audited in warehouse/."""

import streamlit as st

from config.settings import default_db_path
from dashboard.session import ROLE_LABELS, locked_account_count, require_page
from dashboard.text import plain
from warehouse.access import authentication, users
from warehouse.access.permissions import ROLES
from warehouse.errors import WarehouseError
from warehouse.storage.connection import connect, transaction

viewer = require_page("users")
st.title("Users")
st.caption("Every change is recorded in the audit log. Passwords are stored only as hashes.")

MISSING = "—"


ADD_KEYS = ("users_add_login", "users_add_name", "users_add_role", "users_add_agent",
            "users_add_new_agent", "users_add_teams", "users_add_new_teams", "users_add_email",
            "users_add_password")  # fmt: skip


def _apply(action, success: str, clear: tuple[str, ...] = ()) -> None:
    """Run a change in one transaction; on success show `success` and empty the form's fields
    (`clear`); on error show it and keep everything typed."""
    try:
        with connect(default_db_path()) as con, transaction(con):
            action(con)
    except WarehouseError as error:
        st.error(plain(error))
    else:
        st.session_state["users_flash"] = success
        st.session_state["users_clear"] = clear
        locked_account_count.clear()  # the sidebar's lock notice
        st.rerun()


for _key in st.session_state.pop("users_clear", ()):
    st.session_state.pop(_key, None)


def _role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", MISSING)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else MISSING


def _pick_agent(known_id: str | None, typed: str) -> tuple[str | None, bool]:
    """(agent id, is new) from the agent picker and the 'new agent id' box."""
    typed = typed.strip()
    if known_id and typed:
        raise users.UserError("Pick an agent from the list or type a new agent id, not both.")
    return (known_id, False) if known_id else (typed or None, bool(typed))


def _pick_teams(known: list[str], typed: str) -> tuple[list[str], bool]:
    new = [t.strip() for t in typed.split(",") if t.strip()]
    return [*known, *new], bool(new)


def _scope_fields(form: str) -> tuple[str | None, str, list[str], str]:
    """The agent and teams rows of the add and change forms: (agent picked, new agent id typed,
    teams picked, new teams typed)."""
    left, right = st.columns(2)
    agent = left.selectbox(
        "Agent (agents only)", agent_ids, index=None, key=f"users_{form}_agent",
        format_func=lambda a: agent_labels.get(a, a), placeholder="Choose the agent",
    )  # fmt: skip
    new_agent = right.text_input(
        "…or a new agent id, not in any imported conversation yet", key=f"users_{form}_new_agent",
        max_chars=100,
    )  # fmt: skip
    left, right = st.columns(2)
    teams = left.multiselect(
        "Teams (managers only)", team_choices, key=f"users_{form}_teams", placeholder="Choose teams"
    )
    new_teams = right.text_input(
        "…or new teams, comma-separated", key=f"users_{form}_new_teams", max_chars=300
    )
    return agent, new_agent, teams, new_teams


def _scope(role: str, fields: tuple[str | None, str, list[str], str]) -> dict:
    """The agent id / teams for `role` from the form's fields, and whether a new one is meant
    (`new_ok`); raises UserError when both a pick and a typed value are given."""
    agent, new_agent, teams, new_teams = fields
    agent_id, agent_is_new = _pick_agent(agent, new_agent)
    team_list, teams_are_new = _pick_teams(teams, new_teams)
    new_ok = agent_is_new if role == "agent" else teams_are_new
    return {"agent_id": agent_id, "teams": team_list, "new_ok": new_ok}


if flash := st.session_state.pop("users_flash", None):
    st.success(plain(flash))

with connect(default_db_path()) as con:
    accounts = users.list_users(con, viewer)
    locks = authentication.locked_logins(con)
    agent_rows = users.agent_options(con, viewer)
    team_choices = users.team_options(con, viewer)

if locks:
    st.warning(
        f"{len(locks)} account{'s are' if len(locks) != 1 else ' is'} locked after failed "
        "sign-ins. Open **Unlock** below to let the person in again now."
    )


def _lock_text(login: str) -> str:
    if login not in locks:
        return MISSING
    until, clients = locks[login]
    return f"until {until:%H:%M} UTC ({clients} address{'es' if clients != 1 else ''})"


st.dataframe(
    [
        {
            "Login": a["user_id"],
            "Name": a["display_name"],
            "Role": _role_label(a["role"]),
            "E-mail": a["email"] or MISSING,
            "Agent": a["agent_id"] or MISSING,
            "Teams": ", ".join(a["teams"]) or MISSING,
            "Status": "Disabled" if a["disabled"] else "Active",
            "Locked": _lock_text(a["user_id"]),
            "Created": _when(a["created_at"]),
            "Last seen": _when(a["last_seen_at"]),
        }
        for a in accounts
    ],
    hide_index=True,
    width="stretch",
)
logins = [a["user_id"] for a in accounts]
agent_ids = [r["agent_id"] for r in agent_rows]
agent_labels = {
    r["agent_id"]: " · ".join(str(x) for x in (r["agent_id"], r["agent_name"], r["team"]) if x)
    for r in agent_rows
}

add_tab, change_tab, unlock_tab, access_tab, password_tab, email_tab = st.tabs(
    ["Add user", "Change role", "Unlock", "Disable / enable", "Reset password", "Company e-mail"]
)
with add_tab, st.form("users_add", clear_on_submit=False):
    login = st.text_input("Login", key="users_add_login", max_chars=64)
    name = st.text_input("Display name", key="users_add_name", max_chars=200)
    role = st.selectbox(
        "Role", ROLES, index=None, format_func=_role_label, key="users_add_role",
        placeholder="Choose a role",
        help="What the account may see and do. Agents see only their own conversations.",
    )  # fmt: skip
    scope_fields = _scope_fields("add")
    email = st.text_input(
        "E-mail for company sign-in (optional)", key="users_add_email", max_chars=254
    )
    password = st.text_input("Initial password", type="password", key="users_add_password")
    if st.form_submit_button("Add user", type="primary", key="users_add_submit"):
        if not login.strip():
            st.error("Enter a login.")
        elif role is None:
            st.error("Choose a role.")
        else:
            try:
                scope = _scope(role, scope_fields)
            except users.UserError as error:
                st.error(plain(error))
            else:
                _apply(
                    lambda con: users.add_user(
                        con, viewer, login, role, password, display_name=name or None,
                        email=email or None, **scope,
                    ),
                    f"Added {login.strip().lower()} ({_role_label(role)}).",
                    clear=ADD_KEYS,
                )  # fmt: skip

with change_tab, st.form("users_change"):
    who = st.selectbox("Account", logins, index=None, key="users_change_login",
                       placeholder="Choose an account")  # fmt: skip
    new_role = st.selectbox(
        "New role", ROLES, index=None, format_func=_role_label, key="users_change_role",
        placeholder="Choose a role",
    )  # fmt: skip
    scope_fields = _scope_fields("change")
    if st.form_submit_button("Change role", key="users_change_submit"):
        if who is None or new_role is None:
            st.error("Choose an account and its new role.")
        else:
            try:
                scope = _scope(new_role, scope_fields)
            except users.UserError as error:
                st.error(plain(error))
            else:
                _apply(
                    lambda con: users.change_role(con, viewer, who, new_role, **scope),
                    f"{who} is now {_role_label(new_role)}; their open sessions were ended.",
                )  # fmt: skip

with unlock_tab:
    if not locks:
        st.caption("No account is locked.")
    else:
        st.caption(
            "An account locks for one address after 5 wrong passwords from it; others can still "
            "sign in. Unlocking lets that address try again at once and is recorded."
        )
        who = st.selectbox(
            "Locked account", sorted(locks), key="users_unlock_login",
            format_func=lambda login: f"{login} — locked {_lock_text(login)}",
        )  # fmt: skip
        if st.button("Unlock", key="users_unlock", type="primary", icon=":material/lock_open:"):
            _apply(lambda con: authentication.unlock_login(con, viewer, who), f"Unlocked {who}.")

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
    if st.form_submit_button("Set password", key="users_password_submit"):
        _apply(
            lambda con: users.set_password(con, viewer, who, password),
            f"Password of {who} changed; their open sessions were ended.",
        )

with email_tab, st.form("users_email"):
    st.caption(
        "People who sign in with the company account are matched to an account by this e-mail."
    )
    who = st.selectbox("Account", logins, key="users_email_login")
    email = st.text_input("E-mail (empty: none)", key="users_email_value", max_chars=254)
    if st.form_submit_button("Save e-mail", key="users_email_submit"):
        _apply(
            lambda con: users.set_email(con, viewer, who, email or None),
            f"E-mail of {who} saved.",
        )
