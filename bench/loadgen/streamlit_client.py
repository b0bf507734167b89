"""A Streamlit session without a browser: the WebSocket protocol a browser tab speaks, and no more.

What a tab does, and so what this does (Streamlit 1.67, Starlette server):
  1. GET the page: the server sets the ``_streamlit_xsrf`` cookie;
  2. open ``/_stcore/stream`` with the subprotocols ``streamlit`` and that cookie's value (the
     XSRF token), the cookie itself and an ``Origin`` of the page's own origin;
  3. send a ``BackMsg.rerun_script`` whose ``ClientState`` carries the address's query string, the
     page (``page_name`` from the path until the server has named a page, then its
     ``page_script_hash``) and the value of every widget on screen;
  4. read ``ForwardMsg``s until ``script_finished`` says the run is over. A run that ends early for
     a rerun (``st.rerun``, ``st.switch_page``, a callback) is followed by another: only a final
     status ends the wait. ``new_session`` starts each run (the page drawn afresh), ``delta``s
     draw it, ``page_info_changed`` rewrites the query string and ``navigation`` names the page.
A widget change is one more ``rerun_script`` with every widget's value; a button press adds the
button with ``trigger_value`` set, sent once. Keyed widgets' ids end in their key
(``$$ID-<hash>-<key>``), so callers name widgets by key. Radios and pills are sent as the option
labels they show, as Streamlit 1.67's frontend does.

Protocol only: no Locust, no gevent, no app knowledge. It blocks on its socket, so under Locust
(gevent-patched sockets) each virtual participant is a greenlet and in a test it is a plain
object. Values are never logged.
"""

from __future__ import annotations

import http.cookiejar
import ssl
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websocket
from google.protobuf.message import Message
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

XSRF_COOKIE = "_streamlit_xsrf"
FINAL = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
# Element kinds whose text a caller may look for (headings, alerts, progress labels, code).
_TEXT_FIELDS = {
    "markdown": "body",
    "heading": "body",
    "alert": "body",
    "text": "body",
    "progress": "text",
    "code": "code_text",
}


class ProtocolError(RuntimeError):
    """The server did something a browser would show as broken (an exception, a closed socket)."""


@dataclass(frozen=True)
class Widget:
    """One widget on screen, as the last run drew it."""

    key: str | None
    id: str
    kind: str  # the Element oneof: "radio", "checkbox", "button", "button_group", ...
    proto: Message


@dataclass
class Run:
    """What one request caused: one or more script runs, the last of which drew the page."""

    seconds: float
    runs: int
    first: float  # seconds from the request to the server's first message: queueing shows here
    elements: list[Element]
    exceptions: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        out = []
        for element in self.elements:
            kind = element.WhichOneof("type")
            if kind in _TEXT_FIELDS:
                out.append(getattr(getattr(element, kind), _TEXT_FIELDS[kind]))
        return out


def widget_of(element: Element) -> Widget | None:
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    proto = getattr(element, kind)
    widget_id = getattr(proto, "id", "") if "id" in proto.DESCRIPTOR.fields_by_name else ""
    if not widget_id:
        return None
    # "$$ID-<hash>-<key>", "None" for an unkeyed widget (streamlit.runtime.state.common).
    key = widget_id.split("-", 2)[-1] if widget_id.startswith("$$ID-") else None
    return Widget(None if key == "None" else key, widget_id, kind, proto)


class StreamlitSession:
    """One browser tab's session. ``open()``, then set values and ``rerun()`` or ``click()``.

    ``ca_file`` trusts that one certificate (a benchmark's self-signed TLS) for this session's
    connections only; nothing global changes."""

    def __init__(self, base_url: str, *, ca_file: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream"
        self.timeout = timeout
        self.ssl_context = ssl.create_default_context(cafile=ca_file) if parts.scheme == "https" else None
        self.query_string = ""
        self.page_script_hash = ""
        self.page_name = ""
        self.widgets: dict[str, Widget] = {}  # by key, from the last finished run
        self._values: dict[str, WidgetState] = {}  # by widget id: what the tab would send
        self._ws: websocket.WebSocket | None = None

    # -- connecting --------------------------------------------------------------------------
    def open(self, path: str = "/") -> Run:
        """Load the page at ``path`` (with its query string) as a new tab does."""
        url = self.base_url + path
        jar = http.cookiejar.CookieJar()
        handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPCookieProcessor(jar)]
        if self.ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self.ssl_context))
        with urllib.request.build_opener(*handlers).open(url, timeout=self.timeout) as response:
            response.read()
        xsrf = next((c.value for c in jar if c.name == XSRF_COOKIE), None)
        # Every cookie the page set goes with the socket: a proxy's sticky-session cookie too.
        cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
        path_part, _, query = path.partition("?")
        self.query_string = query
        # The frontend names the page by the path until the server has said which page it is.
        self.page_name = path_part.strip("/")
        self.page_script_hash = ""
        protocols = ["streamlit", xsrf] if xsrf else ["streamlit"]
        sslopt = {"context": self.ssl_context} if self.ssl_context is not None else None
        self._ws = websocket.create_connection(
            self.ws_url,
            timeout=self.timeout,
            subprotocols=protocols,
            cookie=cookies or None,
            origin=self.origin,
            sslopt=sslopt,
            enable_multithread=False,
        )
        return self.rerun()

    def close(self) -> None:
        if self._ws is not None:
            with suppress(OSError, websocket.WebSocketException):  # already gone: nothing to tidy
                self._ws.close(timeout=1)
            self._ws = None

    # -- widget values (sent with the next rerun) ---------------------------------------------
    def widget(self, key: str) -> Widget:
        try:
            return self.widgets[key]
        except KeyError:
            raise ProtocolError(f"no widget with key {key!r} on screen") from None

    def has_value(self, key: str) -> bool:
        return self.widget(key).id in self._values

    def select(self, key: str, label: str) -> None:
        """Choose a radio option by the label it shows."""
        widget = self.widget(key)
        if label not in list(widget.proto.options):  # type: ignore[attr-defined]
            raise ProtocolError(f"{key!r} has no such option")
        self._state(widget).string_value = label

    def pick(self, key: str, labels: list[str]) -> None:
        """Set a pills (button group) widget to these option labels."""
        widget = self.widget(key)
        shown = [option.content for option in widget.proto.options]  # type: ignore[attr-defined]
        if any(label not in shown for label in labels):
            raise ProtocolError(f"{key!r} has no such option")
        self._state(widget).string_array_value.data[:] = labels

    def check(self, key: str, value: bool = True) -> None:
        self._state(self.widget(key)).bool_value = value

    def type_text(self, key: str, value: str) -> None:
        self._state(self.widget(key)).string_value = value

    def _state(self, widget: Widget) -> WidgetState:
        state = WidgetState(id=widget.id)
        self._values[widget.id] = state
        return state

    # -- requests ------------------------------------------------------------------------------
    def rerun(self) -> Run:
        """Send every widget's value and wait for the run it causes (a widget change)."""
        return self._request(None)

    def click(self, key: str) -> Run:
        """Press a button: its trigger goes with this one request only."""
        return self._request(self.widget(key).id)

    def _request(self, trigger_id: str | None) -> Run:
        if self._ws is None:
            raise ProtocolError("not open")
        state = ClientState(query_string=self.query_string, page_script_hash=self.page_script_hash)
        if not self.page_script_hash:
            state.page_name = self.page_name
        state.widget_states.widgets.extend(v for k, v in self._values.items() if k != trigger_id)
        if trigger_id is not None:
            state.widget_states.widgets.append(WidgetState(id=trigger_id, trigger_value=True))
        message = BackMsg()
        message.rerun_script.CopyFrom(state)
        start = time.perf_counter()
        self._ws.send_binary(message.SerializeToString())
        return self._read_until_finished(start)

    def _read_until_finished(self, start: float) -> Run:
        assert self._ws is not None
        elements: dict[tuple[int, ...], Element] = {}
        exceptions: list[str] = []
        runs = 0
        first = None
        while True:
            try:
                payload = self._ws.recv()
            except websocket.WebSocketTimeoutException:
                raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from None
            except (OSError, websocket.WebSocketException) as exc:
                raise ProtocolError(f"connection lost: {type(exc).__name__}") from None
            if not isinstance(payload, bytes):
                continue  # Streamlit sends binary frames only
            if first is None:
                first = time.perf_counter() - start
            message = ForwardMsg.FromString(payload)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                runs += 1
                elements = {}  # each run draws the page afresh
                if message.new_session.page_script_hash:
                    self.page_script_hash = message.new_session.page_script_hash
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                elements[tuple(message.metadata.delta_path)] = element
                if element.WhichOneof("type") == "exception":
                    exceptions.append(element.exception.type or "exception")
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "navigation" and message.navigation.page_script_hash:
                self.page_script_hash = message.navigation.page_script_hash
            elif kind == "page_not_found":
                exceptions.append("page_not_found")
            elif kind == "ref_hash":
                # Only sent for hashes the client says it holds, and this one says none.
                raise ProtocolError("server sent a cached-message reference")
            elif kind == "script_finished" and message.script_finished in FINAL:
                seconds = time.perf_counter() - start
                ordered = [elements[path] for path in sorted(elements)]
                self._finished(ordered)
                return Run(seconds, runs, first if first is not None else seconds, ordered, exceptions)

    def _finished(self, elements: list[Element]) -> None:
        """As the frontend does at the end of a run: forget widgets no longer drawn, and take the
        values the script set itself (``set_value``) as the widgets' own."""
        widgets = [w for w in map(widget_of, elements) if w is not None]
        self.widgets = {w.key: w for w in widgets if w.key is not None}
        active = {w.id for w in widgets}
        self._values = {k: v for k, v in self._values.items() if k in active}
        for w in widgets:
            proto = w.proto
            if not getattr(proto, "set_value", False):
                continue
            if w.kind == "radio":
                if proto.HasField("raw_value"):
                    self._state(w).string_value = proto.raw_value  # type: ignore[attr-defined]
                else:
                    self._values.pop(w.id, None)
            elif w.kind == "button_group":
                self._state(w).string_array_value.data[:] = list(proto.raw_values)  # type: ignore[attr-defined]
            elif w.kind == "checkbox":
                self._state(w).bool_value = proto.value  # type: ignore[attr-defined]
            elif w.kind in ("text_input", "text_area"):
                if proto.HasField("value"):
                    self._state(w).string_value = proto.value  # type: ignore[attr-defined]
                else:
                    self._values.pop(w.id, None)
