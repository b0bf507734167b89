"""What the tests and the benchmarks share, imported as ``tests.support``: the made-up answers
(``answers``), complete screens built from the questionnaire (``screen_builder``) or from the
spec (``spec_screens``), shortcuts for storing screens (``factories``), and the drivers of the
wizard in AppTest (``wizard_driver``) and in Chromium (``browser_driver``).

It may import the app's packages (scoring, intake, ui) and test libraries, never a test module.
bench/ imports it the same way, with the checkout's root on sys.path. One name per module: a
module imported under two names would run twice (two submission-key counters, two field keys).
A site-packages package called ``tests`` would shadow this one (see textstat's pin in
requirements-dev.txt); then ``import tests.support`` fails loudly rather than picking up another.
"""
