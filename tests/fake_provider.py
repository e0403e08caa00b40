"""A local HTTP server on 127.0.0.1 that speaks Nominatim's /search and Photon's /api JSON.

geopy's real clients talk to it over real HTTP. Each query has a script of replies (JSON, a status
code with headers, a slow reply, a malformed body); the last reply repeats. Every request is logged
with its parameters, headers and the time on an injectable clock.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def nominatim_place(name: str, lat: float, lon: float, country_code: str, osm_type: str = "node",
                    osm_id: int = 1, category: str = "place", kind: str = "town") -> dict:
    """One result as Nominatim's /search?format=json&addressdetails=1 documents it."""
    return {
        "place_id": osm_id + 1000, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
        "osm_type": osm_type, "osm_id": osm_id, "lat": f"{lat:.7f}", "lon": f"{lon:.7f}",
        "class": category, "type": kind, "place_rank": 16, "importance": 0.5, "addresstype": kind,
        "name": name.split(",")[0], "display_name": name,
        "address": {"country": "somewhere", "country_code": country_code},
        "boundingbox": [f"{lat - 0.01:.7f}", f"{lat + 0.01:.7f}", f"{lon - 0.01:.7f}", f"{lon + 0.01:.7f}"],
    }


def photon_feature(name: str, lat: float, lon: float, country_code: str, osm_type: str = "N", osm_id: int = 1,
                   key: str = "place", value: str = "town") -> dict:
    """One feature as Photon's /api documents it (GeoJSON, coordinates in lon, lat order)."""
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"osm_type": osm_type, "osm_id": osm_id, "osm_key": key, "osm_value": value,
                           "name": name, "country": "somewhere", "countrycode": country_code.upper(), "type": "city"}}


@dataclass
class Reply:
    """One scripted reply: a JSON body, or a status with headers, optionally after a delay, or raw text."""

    body: object = None
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay_seconds: float = 0.0
    raw: str | None = None


@dataclass
class Request:
    path: str
    params: dict
    headers: dict
    at: float


class FakeProvider:
    """The server: `script[query] = [Reply, ...]`; unknown queries get an empty result list."""

    def __init__(self, clock=time.monotonic):
        self.script: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self.clock = clock
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                provider.requests.append(Request(url.path, params, dict(self.headers), provider.clock()))
                replies = provider.script.get(params.get("q", ""), [])
                reply = replies.pop(0) if len(replies) > 1 else (replies[0] if replies else None)
                if reply is None:
                    reply = Reply(body=[] if url.path == "/search" else {"type": "FeatureCollection", "features": []})
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                text = reply.raw if reply.raw is not None else json.dumps(reply.body)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(text.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def nominatim(self, query: str, *replies: Reply | list) -> None:
        """Script Nominatim replies; a plain list is a 200 with that list of places."""
        self.script[query] = [r if isinstance(r, Reply) else Reply(body=r) for r in replies]

    def photon(self, query: str, *features: dict) -> None:
        """Script one Photon reply with these features."""
        self.script[query] = [Reply(body={"type": "FeatureCollection", "features": list(features)})]

    def count(self, query: str) -> int:
        """How many requests asked for this query."""
        return sum(1 for r in self.requests if r.params.get("q") == query)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeClock:
    """A clock whose sleep() only moves time forward, so rate-limit tests take no real time."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
