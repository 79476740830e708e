"""A minimal Streamlit browser session without a browser: an HTTP client (cookies kept, as a browser keeps
nginx's affinity cookie) and the websocket protocol (`/_stcore/stream`, BackMsg/ForwardMsg protobufs).

`run()` asks the server to run the page's script, as a browser does on load or reconnect, and returns the
KPI cards (st.metric: label and value) the run drew. A test uses many of these where a browser each would
be far too heavy."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect


@dataclass
class Run:
    metrics: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    status: str = ""


class Session:
    def __init__(self, base_url: str, page: str = "", query: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.page, self.query = page, query
        self.http = httpx.Client(base_url=self.base_url, timeout=30)
        self.ws = None

    def open(self) -> "Session":
        """Load the page's HTML (nginx sets the affinity cookie on the first response)."""
        self.http.get(f"/{self.page}" + (f"?{self.query}" if self.query else "")).raise_for_status()
        return self

    @property
    def affinity(self) -> str | None:
        return self.http.cookies.get("cockpit_affinity")

    def _connect(self, timeout_s: float) -> None:
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        ws_url = "ws" + self.base_url[len("http"):] + "/_stcore/stream"
        connection = connect(ws_url, subprotocols=["streamlit"], open_timeout=timeout_s, max_size=None,
                             additional_headers={"Cookie": cookies, "Origin": self.base_url})
        self.ws = connection.__enter__()  # held open across runs; drop() closes it

    def run(self, timeout_s: float = 90.0) -> Run:
        """Run the page once on this session's websocket (connecting, or reconnecting, when it is closed)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        deadline = time.monotonic() + timeout_s
        if self.ws is None:
            self._connect(timeout_s)
        msg = BackMsg()
        msg.rerun_script.CopyFrom(ClientState(query_string=self.query, page_name=self.page))
        self.ws.send(msg.SerializeToString())
        out = Run()
        started = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the page did not finish within {timeout_s:.0f} s")
            forward = ForwardMsg()
            forward.ParseFromString(self.ws.recv(timeout=remaining))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                started = True
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                what = element.WhichOneof("type")
                if what == "metric":
                    out.metrics.append((element.metric.label, element.metric.body))
                elif what == "exception":
                    out.exceptions.append(element.exception.message)
            elif kind == "script_finished" and started:
                out.status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY or "ERROR" in out.status:
                    return out

    def drop(self) -> None:
        """Forget the websocket (after the server went away)."""
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001 - it is gone already
                pass
        self.ws = None

    def run_reconnecting(self, timeout_s: float = 90.0) -> Run:
        """Run the page; when the websocket is gone (its replica died), connect again through the proxy, as
        the browser's client does, and run it there."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                return self.run(max(1.0, deadline - time.monotonic()))
            except (ConnectionClosed, OSError):
                self.drop()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        self.drop()
        self.http.close()
