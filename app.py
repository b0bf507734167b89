"""Router only: the pages this visitor may see, through st.navigation.

Every page guards itself as well (participant pages run the shared setup; staff pages require a
signed-in staff member), because Streamlit serves files in pages/ by URL on a cold server.
"""

import streamlit as st

from ui.navigation import land_after_sign_in, pages_for_visitor
from ui.readiness import check_ready
from ui.setup import FAVICON

# Before st.navigation: a page icon set here is the favicon from the first message on, so the
# browser never turns the pages' ":material/...:" menu icons into favicons fetched from Google.
st.set_page_config(page_icon=FAVICON)
page = st.navigation(pages_for_visitor(), position="top")
# Readiness (ui/readiness.py) between registering the pages and running one: the refusal is what a
# visitor sees and the 503 that /_stcore/script-health-check, which runs this file, answers.
check_ready()
# A staff member back from the clinic's sign-in lands on the queue, not on the welcome page.
land_after_sign_in(page)
page.run()
