"""The Streamlit app's drawing code, in three rooms that mirror pages/.

``ui.participant`` draws the screen a person takes (wizard, crisis stop, result, PDF);
``ui.staff`` draws the intake workspace (sign-in guard, queue, review, insights, audit log,
accounts, alerts). What both use stays here: page setup and navigation (``setup``, ``navigation``,
``readiness``), the item renderers and their widget keys (``widgets``), participant wording
(``texts``), display labels for the enums of scoring and intake (``labels``), score formatting
(``scores``), safe markup (``markup``) and the client address rule (``client``). ui may import
``scoring``, ``intake.usecases`` and intake's plain values, vocabularies and errors, and
streamlit; never SQLAlchemy, and nothing imports ui but pages/ and app.py (a test reads the
imports: tests/unit/test_layers.py).
"""
