"""A headless Streamlit viewer: the browser's websocket protocol without the browser.

It speaks what Streamlit's own front end speaks on `/_stcore/stream` (protobuf `BackMsg` up,
`ForwardMsg` down), so the server does exactly the work it does for a reader: a session, a script
run per URL, the page's deltas. The benchmarks use it to put 50 viewers on one server, and the
deploy tests use it to open sessions through nginx from chosen loopback addresses.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RUN_TIMEOUT_SECONDS = 120


@dataclass
class Run:
    """One script run as the viewer saw it."""

    query: str
    seconds: float
    bytes_received: int
    deltas: int
    status: str  # ForwardMsg.ScriptFinishedStatus name, e.g. FINISHED_SUCCESSFULLY
    texts: list[str] = field(default_factory=list)
    # Streamlit's own timing of the script run, sent only by a server started with
    # --browser.gatherUsageStats true (the page profile the browser would report; this viewer
    # reports nothing anywhere).
    script_ms: float | None = None


class Viewer:
    """One browser tab's session: `async with Viewer(url) as v: await v.run("story=x&stop=y")`."""

    def __init__(self, base_url: str, local_address: str | None = None):
        self.stream_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.local_address = local_address
        self._cached_hashes: list[str] = []
        self._cached: dict[str, ForwardMsg] = {}   # what the browser's message cache holds, by hash
        self._socket = None

    async def __aenter__(self) -> "Viewer":
        # The browser picks the "streamlit" subprotocol; a chosen source address lets a test stand
        # in for readers on different machines (127.0.0.0/8 is all loopback on Linux).
        extra = {"local_addr": (self.local_address, 0)} if self.local_address else {}
        self._socket = await websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None,
                                                open_timeout=RUN_TIMEOUT_SECONDS, **extra)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._socket.close()

    async def run(self, query: str, keep_text: bool = False) -> Run:
        """Ask for a script run with this query string (what a reload with `?query` does); wait for its end."""
        back = BackMsg()
        back.rerun_script.query_string = query
        # Like the browser, say which large messages we already hold so the server may send references.
        back.rerun_script.cached_message_hashes.extend(self._cached_hashes)
        started = time.perf_counter()
        await self._socket.send(back.SerializeToString())
        return await self._until_finished(query, started, keep_text)

    async def next_run(self, keep_text: bool = True) -> Run:
        """Wait for a run the server starts by itself (a preview rerunning on a file change); its end."""
        return await self._until_finished("", time.perf_counter(), keep_text)

    async def _until_finished(self, query: str, started: float, keep_text: bool) -> Run:
        received = deltas = 0
        texts: list[str] = []
        script_ms = None
        while True:
            raw = await asyncio.wait_for(self._socket.recv(), RUN_TIMEOUT_SECONDS)
            received += len(raw)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "ref_hash" and message.ref_hash in self._cached:
                # A message this client already holds, sent by reference: read it as the browser would.
                message = self._cached[message.ref_hash]
                kind = message.WhichOneof("type")
            elif message.hash:
                self._cached_hashes.append(message.hash)
                self._cached[message.hash] = message
            if kind == "delta":
                deltas += 1
                if keep_text:
                    texts.append(str(message.delta))
            elif kind == "page_profile":
                script_ms = message.page_profile.exec_time / 1000
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                # A rerun request may finish the previous run first; only our own run's end counts.
                if status != "FINISHED_EARLY_FOR_RERUN":
                    return Run(query, time.perf_counter() - started, received, deltas, status, texts, script_ms)


def resident_kib(pid: int) -> int:
    """A process's resident memory from /proc (Linux), in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_async(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop running in the
    main thread for as long as a browser is open (the browser tests' session fixture), and
    asyncio.run refuses to start inside it."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
