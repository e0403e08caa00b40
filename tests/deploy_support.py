"""The scale-out recipe run whole: `deploy/serve.py` (replicas plus Debian's nginx) on free loopback ports."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from helpers import ROOT

sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browser_support import SCREENSHOTS, free_port, stop_process  # noqa: E402

START_SECONDS = 120


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


class Deployment:
    """`deploy/serve.py --replicas N` as a reader's machine sees it: one URL, N processes behind it."""

    def __init__(self, replicas: int = 2, frame_ancestors: str = "'self'"):
        if nginx_binary() is None:
            raise RuntimeError("nginx is missing: run `make test`, which installs Debian's nginx")
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.url = f"http://127.0.0.1:{free_port()}"
        SCREENSHOTS.mkdir(exist_ok=True)
        self.log = SCREENSHOTS / f"deploy-{self.url.rsplit(':', 1)[1]}.log"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "serve.py"), "--replica-ports",
             ",".join(map(str, self.replica_ports)), "--listen", self.url.removeprefix("http://"),
             "--frame-ancestors", frame_ancestors],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log.open("w"), text=True)
        self.replica_pids: dict[int, int] = {}
        self.files: Path | None = None
        deadline = time.monotonic() + START_SECONDS
        # serve.py names each replica's process, then the nginx folder once the proxy answers.
        for line in self.process.stdout:
            if match := re.match(r"storymap: replica 127\.0\.0\.1:(\d+) is process (\d+)", line):
                self.replica_pids[int(match[1])] = int(match[2])
            elif match := re.search(r"\(nginx files: (.+)\)$", line.strip()):
                self.files = Path(match[1])
                break
            if time.monotonic() > deadline:
                break
        if self.files is None:
            self.stop()
            raise RuntimeError(f"deploy/serve.py did not come up; see {self.log}")
        # Keep reading the replicas' output so a full pipe never blocks them.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def access_log(self) -> list[tuple[str, str, str, str]]:
        """(client address, status, request, replicas tried) per request nginx has logged."""
        pattern = re.compile(r'^(\S+) (\d+) "(.*)" (.*)$')
        return [pattern.match(line).groups() for line in (self.files / "access.log").read_text().splitlines()]

    def stop(self) -> None:
        stop_process(self.process, seconds=30)  # serve.py stops its replicas and nginx first
