"""Streamlit helpers shared by the pages: setup, renderers, the wizard, the result view."""
