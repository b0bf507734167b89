"""Cluster tests: ``scripts/run-cluster.sh`` (nginx in front of Streamlit replicas on
PostgreSQL) driven through its HTTPS port in Chromium, which trusts the tests' own CA.

One cluster per test module (a module may set ``CLUSTER_REPLICAS``; default 2), since starting
one costs half a minute; one browser for the whole run, with a HOME of its own whose NSS
database trusts the CA.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect

from tests.support.browser_driver import CHROMIUM, LAUNCH_ARGS

from .cluster import Cluster, run_cluster
from .tls import CERTUTIL, Pki, make_pki

VIEWPORT = {"width": 1280, "height": 900}
expect.set_options(timeout=20_000)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    if not Path(CERTUTIL).exists():
        pytest.skip("certutil is missing: apt-get install libnss3-tools")
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def tls_context(pki: Pki) -> ssl.SSLContext:
    """For requests made without the browser: trusts the tests' CA only."""
    return ssl.create_default_context(cafile=str(pki.ca_cert))


@pytest.fixture(scope="session")
def browser(pki: Pki, playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), args=LAUNCH_ARGS, env={**os.environ, "HOME": str(pki.home)}
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pki: Pki
) -> Iterator[Cluster]:
    replicas = getattr(request.module, "CLUSTER_REPLICAS", 2)
    with run_cluster(tmp_path_factory.mktemp("cluster"), pki, replicas=replicas) as running:
        yield running


@pytest.fixture
def new_context(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """``new_context(**options)``: a fresh browser context (another person); all are closed at
    the end of the test, after a screenshot of each page if the test failed."""
    made: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(viewport=options.pop("viewport", VIEWPORT), **options)
        context.set_default_timeout(30_000)
        made.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for c, context in enumerate(made):
            for p, page in enumerate(context.pages):
                path = tmp_path / f"failure-context{c}-page{p}.png"
                try:
                    page.screenshot(path=path, full_page=True)
                    print(f"screenshot: {path}")
                except Exception as exc:  # the page may be gone; the rest still helps
                    print(f"screenshot {path}: {exc}")
        if "cluster" in request.fixturenames:
            running = request.getfixturevalue("cluster")
            print(f"run-cluster.sh output ({running.output}):\n{running.tail()}")
    for context in made:
        context.close()
