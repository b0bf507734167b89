"""The capacity benchmark's floor (bench/capacity.py): a bare Streamlit multipage app with the
app's pages and the wizard's widgets, and nothing else (no database, scoring, drafts, styling,
readiness check or staff sign-in).

Its router has the app's shape: the same page files in pages/, the four participant pages and
the seven staff pages (hidden) through st.navigation at the top. What the pages show comes from
a JSON file that bench/capacity.py writes from the questionnaire (bench/loadgen/plan.py), named
by BARE_APP_DATA: the same questions, keys and labels the virtual participant's walk is asked.
"""

import streamlit as st

PARTICIPANT = [
    ("pages/welcome.py", "Welcome", ":material/home:", "welcome"),
    ("pages/screen.py", "Screen", ":material/checklist:", "screen"),
    ("pages/levels_of_care.py", "Levels of care", ":material/stairs:", "levels_of_care"),
    ("pages/families.py", "For families", ":material/diversity_3:", "families"),
]
STAFF = [
    "staff_signin",
    "staff_queue",
    "staff_review",
    "staff_insights",
    "staff_audit",
    "staff_accounts",
    "staff_alerts",
]

pages = {
    "": [st.Page(p, title=t, icon=i, url_path=u, default=(u == "welcome")) for p, t, i, u in PARTICIPANT],
    "Intake staff": [st.Page(f"pages/{name}.py", url_path=name, visibility="hidden") for name in STAFF],
}
st.navigation(pages, position="top").run()
