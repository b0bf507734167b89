"""Router only: the pages this visitor may see, through st.navigation.

Every page guards itself as well (participant pages run the shared setup; staff pages require a
signed-in staff member), because Streamlit serves files in pages/ by URL on a cold server.
"""

import streamlit as st

from ui.navigation import pages_for_visitor

st.navigation(pages_for_visitor(), position="top").run()
