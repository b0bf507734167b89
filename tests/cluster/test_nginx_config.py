"""The nginx site config in deploy/ without a running cluster (fast; the parallel phase runs these):
the CSP's script hashes still match the inline scripts they allow, the rendered config passes
``nginx -t``, and the access log leaves query strings out."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import streamlit

from deploy.render_nginx import HEADERS, SITE, RenderError, main, render_site
from ui.i18n import html_lang_script
from ui.setup import _NO_REFERRER

from .tls import make_certificate

INDEX_HTML = Path(streamlit.__file__).parent / "static" / "index.html"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _policy() -> str:
    match = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', HEADERS.read_text())
    assert match, "no Content-Security-Policy in iop-headers.conf"
    return match.group(1)


def test_the_csp_allows_exactly_the_inline_scripts_the_pages_run() -> None:
    """A changed script (ours, or Streamlit's index.html after an upgrade) would be refused by
    browsers behind the proxy; a stale hash would allow a script nobody runs."""
    ours = [
        re.search(r"<script[^>]*>(.*?)</script>", html, re.S)
        for html in (_NO_REFERRER, html_lang_script("en"), html_lang_script("es"))
    ]
    assert all(ours)
    streamlits = re.findall(r"<script>(.*?)</script>", INDEX_HTML.read_text(), re.S)
    wanted = {
        *(_sha256(script.group(1)) for script in ours if script),
        *(_sha256(script) for script in streamlits),
    }
    script_src = re.search(r"script-src ([^;]+)", _policy())
    assert script_src
    allowed = set(re.findall(r"'sha256-[^']+'", script_src.group(1)))
    assert allowed == wanted
    assert "'unsafe-inline'" not in script_src.group(1)
    assert "'unsafe-eval'" not in script_src.group(1)


def test_every_location_keeps_the_server_headers() -> None:
    """nginx drops the server block's add_header (and proxy_set_header) lines in a location
    that has its own: none may."""
    for block in re.findall(r"location [^{]+\{([^}]*)\}", SITE.read_text()):
        assert "add_header" not in block
        assert "proxy_set_header" not in block


def test_the_access_log_leaves_out_query_strings_and_addresses() -> None:
    log_format = re.search(r"log_format iop_private (.+?);", SITE.read_text(), re.S)
    assert log_format
    assert "$uri" in log_format.group(1)
    for leak in ("$request_uri", "$request ", "$args", "$query_string", "$remote_addr", "$http_referer"):
        assert leak not in log_format.group(1)


def test_a_missing_marker_is_refused() -> None:
    text = SITE.read_text().replace("# IOP: certificate key", "")
    with pytest.raises(RenderError, match="certificate key"):
        render_site(
            text, prefix=Path("/p"), port=8443, cert=Path("c"), key=Path("k"), replicas=["x:1"], host="h"
        )


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)")
def test_the_rendered_config_passes_nginx_t(tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path)
    prefix = tmp_path / "nginx"
    main(
        [str(prefix), "--port", "8443", "--cert", str(cert), "--key", str(key), "--replica", "127.0.0.1:8601"]
    )
    site = (prefix / "conf" / "iop-site.conf").read_text()
    assert "server 127.0.0.1:8601 max_fails=1" in site
    assert "listen 80" not in site  # the plain-HTTP redirect is the clinic's, not the script's
    assert "# IOP: " not in site  # every marked line was filled in
    result = subprocess.run(
        [
            NGINX,
            "-t",
            "-p",
            str(prefix),
            "-c",
            str(prefix / "conf" / "nginx.conf"),
            "-e",
            str(prefix / "logs" / "error.log"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
