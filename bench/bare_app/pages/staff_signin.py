"""Bare stand-in for the app's page of the same name."""

import streamlit as st

st.write("-")
