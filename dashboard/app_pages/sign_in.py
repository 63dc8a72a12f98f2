"""Sign in: login and password, or the company account (OIDC) when one is configured; clear
messages for wrong credentials, lockout and unknown company e-mails."""

import streamlit as st

from config.settings import default_db_path
from dashboard.session import sign_in, signed_in_viewer, sso_providers, take_notice
from warehouse.access import authentication, users
from warehouse.errors import WarehouseError
from warehouse.storage.connection import connect

st.title("Cornerstone QA")

if signed_in_viewer() is not None:
    st.success("You are signed in. Use the menu to open a page.")
    st.stop()

notice = take_notice()
if notice:
    st.info(notice)

with connect(default_db_path()) as con:
    has_accounts = users.count_users(con) > 0
if not has_accounts:
    st.warning(
        "No accounts exist yet. Create the first admin on the command line:\n\n"
        "`qa users add admin --role admin`\n\n(or build the demo database with `qa demo`, which "
        "prints one demo account per role)."
    )

for provider, label in sso_providers():
    if st.button(
        f"Sign in with {label}", key=f"sign_in_sso_{provider or 'default'}", type="primary",
        icon=":material/badge:",
    ):  # fmt: skip
        if provider is None:
            st.login()
        else:
            st.login(provider)

with st.form("sign_in_form", clear_on_submit=False):
    st.subheader("Sign in")
    login = st.text_input("Login", key="sign_in_login", max_chars=100, autocomplete="username")
    password = st.text_input(
        "Password", type="password", key="sign_in_password", max_chars=1024,
        autocomplete="current-password",
    )  # fmt: skip
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    if not login.strip() or not password:
        st.error("Enter your login and your password.")
    else:
        try:
            sign_in(login, password)
        except authentication.LockedOutError as error:
            st.error(str(error), icon=":material/lock:")
        except authentication.SignInError as error:
            st.error(str(error))
        except WarehouseError as error:
            st.error(f"Cannot sign in right now: {error}")
        else:
            st.rerun()
