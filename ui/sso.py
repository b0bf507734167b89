"""Is single sign-on set up, and may the app start as configured?

``[auth]`` in ``.streamlit/secrets.toml`` turns on Streamlit's ``st.login`` (OpenID Connect);
``IOP_REQUIRE_SSO`` (intake.settings) turns password sign-in off. The two live in different
places (secrets and environment), so only the UI, which sees both, can tell they disagree.
"""

from __future__ import annotations

import streamlit as st

from intake.settings import Settings

SSO_WITHOUT_AUTH = (
    "IOP_REQUIRE_SSO is true, but .streamlit/secrets.toml has no [auth] section: staff could not "
    "sign in at all. Add the [auth] section (see .streamlit/secrets.toml.example) or set "
    "IOP_REQUIRE_SSO=false."
)


def oidc_configured() -> bool:
    """True when secrets have an ``[auth]`` section for st.login (OpenID Connect)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def sso_problem(settings: Settings) -> str | None:
    """Why these settings and secrets cannot run together, for the people running the site."""
    if settings.iop_require_sso and not oidc_configured():
        return SSO_WITHOUT_AUTH
    return None
