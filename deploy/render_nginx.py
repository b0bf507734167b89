"""Render deploy/nginx/ into a private nginx prefix for scripts/run-cluster.sh.

The site config a clinic installs (deploy/nginx/iop-site.conf) is the one source of truth: this
rewrites only its lines and blocks marked "# IOP:" (port, certificate, replica addresses, log
and include paths) and adds a main nginx.conf whose pid, logs and temporary files all live in
the prefix, so nginx runs unprivileged as a child of the script. Standard library only.

    python deploy/render_nginx.py PREFIX --port 8443 --cert C --key K --replica 127.0.0.1:8601 ...
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent / "nginx"
SITE = HERE / "iop-site.conf"
HEADERS = HERE / "iop-headers.conf"

MAIN = """# Rendered by deploy/render_nginx.py for scripts/run-cluster.sh; edit deploy/nginx/ instead.
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log error;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    # Started as root, nginx runs its workers as nobody, who cannot write into this private
    # (mode 0700) prefix: keep proxied responses and request bodies (at most 2m) in memory.
    proxy_max_temp_file_size 0;
    client_body_buffer_size 2m;
    client_body_temp_path {prefix}/temp/client;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {prefix}/conf/iop-site.conf;
}}
"""


class RenderError(ValueError):
    pass


def render_site(
    text: str, *, prefix: Path, port: int, cert: Path, key: Path, replicas: list[str], host: str
) -> str:
    """The site config with every "# IOP:" place filled in for this prefix; fails if one is
    missing (the site file and this script must change together)."""
    lines = {
        "host name": f"server_name {host};",
        "certificate": f"ssl_certificate {cert};",
        "certificate key": f"ssl_certificate_key {key};",
        "access log": f"access_log {prefix}/logs/access.log iop_private;",
        "error log": f"error_log {prefix}/logs/error.log error;",
        "headers": f"include {prefix}/conf/iop-headers.conf;",
    }
    seen: set[str] = set()
    out: list[str] = []
    block: str | None = None  # inside a marked block: replaced (replicas) or left out (redirect)
    for line in text.splitlines():
        marker = re.search(r"# IOP: (.+?)\s*$", line)
        name = marker.group(1) if marker else ""
        indent = line[: len(line) - len(line.lstrip())]
        if block is not None:
            if name.startswith(f"{block} end"):
                block = None
            continue
        if name.startswith(("replicas begin", "http redirect begin")):
            block = name.split(" begin")[0]
            seen.add(block)
            if block == "replicas":
                out += [f"{indent}server {r} max_fails=1 fail_timeout=10s;" for r in replicas]
        elif name == "port":
            seen.add(name)
            out.append(re.sub(r"\b443\b", str(port), line.split("#")[0].rstrip()))
        elif name in lines:
            seen.add(name)
            out.append(indent + str(lines[name]))
        elif name:
            raise RenderError(f"unknown marker '# IOP: {name}' in {SITE}")
        else:
            out.append(line)
    if block is not None:
        raise RenderError(f"'# IOP: {block} begin' has no end in {SITE}")
    missing = {*lines, "port", "replicas", "http redirect"} - seen
    if missing:
        raise RenderError(f"{SITE} lacks the marked lines: {sorted(missing)}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--replica", action="append", required=True, help="host:port, once per replica")
    parser.add_argument("--host", default="localhost")
    args = parser.parse_args(argv)
    prefix = args.prefix.resolve()
    for folder in ("conf", "logs", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    site = render_site(
        SITE.read_text(encoding="utf-8"),
        prefix=prefix,
        port=args.port,
        cert=args.cert.resolve(),
        key=args.key.resolve(),
        replicas=args.replica,
        host=args.host,
    )
    (prefix / "conf" / "iop-site.conf").write_text(site, encoding="utf-8")
    (prefix / "conf" / "iop-headers.conf").write_text(HEADERS.read_text(encoding="utf-8"), encoding="utf-8")
    (prefix / "conf" / "nginx.conf").write_text(MAIN.format(prefix=prefix), encoding="utf-8")


if __name__ == "__main__":
    main()
