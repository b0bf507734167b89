"""The participant's side of the app, as pages/welcome.py and pages/screen.py draw it: the wizard's
state for this browser session (``state``, the one participant module that touches
``st.session_state``), its steps and review (``wizard``), the crisis stop (``crisis``), sending
(``submit``), the result page and its PDF (``result_view``, ``pdf_summary``) and keyboard focus
(``focus``). May import the shared parts of ui/ (texts, widgets, setup, scores, markup, client),
``scoring``, ``intake.usecases`` and intake's plain values and errors; never SQLAlchemy, never
``ui.staff``.
"""
