"""deploy/serve.py and its nginx template: the rendered config, and the recipe run whole behind Debian's nginx."""

from __future__ import annotations

import fnmatch
import http.client
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from deploy_support import Deployment, free_port, nginx_binary, stop_process
from helpers import ROOT, copy_first_story
from streamlit_client import Viewer, run_async

spec = importlib.util.spec_from_file_location("deploy_serve", ROOT / "deploy" / "serve.py")
serve = importlib.util.module_from_spec(spec)
spec.loader.exec_module(serve)

NEWS_SITE = "https://news.example"
MACHINES = [f"127.0.0.{host}" for host in range(2, 66)]  # 64 readers' machines, all loopback


def test_the_site_config_names_every_replica_and_the_framing_rule():
    site = serve.site_config([8501, 8502, 8503], "127.0.0.1:8080", NEWS_SITE)
    assert [line.split()[1] for line in site.splitlines() if line.strip().startswith("server 127")] == [
        "127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"]
    assert "hash $remote_addr consistent;" in site
    assert f"frame-ancestors 'self' {NEWS_SITE}\" always;" in site
    assert "listen 127.0.0.1:8080;" in site
    assert "{{" not in site


@pytest.mark.parametrize("bad, says", [
    ('https://news.example"; add_header X-Evil 1', "is not an origin"),
    ("javascript:alert(1)", "is not an origin"),
    ("*", "is not an origin"),
    ("", "'nothing' is not an origin"),
    ("https:", "'https:' is not an origin"),
    ("http:", "'http:' is not an origin"),
    ("'self' https:", "'https:' is not an origin"),
    ("data:", "'data:' is not an origin"),
    ("https://*.example", "is not an origin"),
    ("https://", "is not an origin"),
    ("https://news.example/path", "is not an origin"),
    ("https://news.example:99999999", "is not an origin"),
    ("'unsafe-inline'", "is not an origin"),
    ("'none' https://news.example", "give it alone"),
])
def test_frame_ancestors_refuses_anything_but_origins(bad, says):
    with pytest.raises(serve.DeployError, match=says):
        serve.site_config([8501], "8080", bad)


@pytest.mark.parametrize("given, header", [
    ("'none'", "'self'"),  # no other site; the app still frames its own player
    ("https://news.example", "'self' https://news.example"),
    ("'self' https://a.example:8443 http://b.example", "'self' https://a.example:8443 http://b.example"),
])
def test_frame_ancestors_accepts_self_none_and_explicit_origins(given, header):
    assert f'frame-ancestors {header}" always;' in serve.site_config([8501], "8080", given)


def test_a_bad_option_is_one_line_on_stderr(capsys):
    assert serve.main(["--listen", "8080; evil", "--print-config"]) == 2
    assert capsys.readouterr().err == ("deploy/serve.py: --listen: '8080; evil' is not a port or address:port, "
                                       "e.g. 127.0.0.1:8080\n")


def test_print_config_prints_the_site_config(capsys):
    assert serve.main(["--replicas", "3", "--first-port", "9001", "--listen", "80", "--print-config"]) == 0
    assert capsys.readouterr().out == serve.site_config([9001, 9002, 9003], "80")


def test_the_rendered_config_passes_nginx_own_check(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.nginx_conf(serve.site_config([8501, 8502], "127.0.0.1:8080", NEWS_SITE), tmp_path))
    checked = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e",
                              str(tmp_path / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@pytest.fixture(scope="module")
def deployment():
    running = Deployment(replicas=2, frame_ancestors=NEWS_SITE)
    yield running
    running.stop()


def fetch(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as reply:
        return reply.status, dict(reply.headers), reply.read()


def test_the_page_and_its_data_come_through_the_proxy_with_the_framing_rule(deployment):
    status, headers, body = fetch(deployment.url + "/?story=kim-russia-2023")
    assert status == 200 and b"<div id=\"root\">" in body
    assert headers["Content-Security-Policy"] == f"frame-ancestors 'self' {NEWS_SITE}"
    status, headers, body = fetch(deployment.url + "/app/static/kim-russia-2023.route.geojson")
    assert status == 200 and json.loads(body)["type"] == "FeatureCollection"
    assert headers["Content-Security-Policy"] == f"frame-ancestors 'self' {NEWS_SITE}"


def test_the_page_through_the_proxy_carries_its_storys_share_tags(deployment):
    # Link previewers read the HTML and run no scripts: the tags must be in what nginx sends.
    title = "Kim Jong Un&#x27;s armoured train through Russia&#x27;s Far East"
    for query in ("/?story=kim-russia-2023", "/"):   # without ?story= the page shows the first story
        status, headers, body = fetch(deployment.url + query)
        head = body.decode().split("</head>")[0]
        assert status == 200 and f'<meta property="og:title" content="{title}">' in head, query
        assert f'<meta property="og:url" content="{deployment.url}/?story=kim-russia-2023">' in head
        assert head.count('property="og:title"') == 1
    # Only the page: the player's own files pass through untouched.
    assert b"og:title" not in fetch(deployment.url + "/app/static/kim-russia-2023.route.geojson")[2]


def test_share_tags_name_the_card_beside_the_geodata_and_stay_inert_in_nginx(tmp_path):
    stories, geodata = tmp_path / "stories", tmp_path / "geodata"
    copy_first_story(stories, geodata)
    text = (stories / "kim-russia-2023.yaml").read_text(encoding="utf-8")
    (stories / "kim-russia-2023.yaml").write_text(
        text.replace("title: Kim Jong Un's armoured train", "title: Kim's $5 \\ 'armoured' train", 1), encoding="utf-8")
    without = serve.share_tags_map(stories, geodata)
    assert "og:image" not in without and '"twitter:card" content="summary"' in without
    (geodata / "kim-russia-2023.card.png").write_bytes(b"\x89PNG")
    with_card = serve.share_tags_map(stories, geodata)
    assert ('<meta property="og:image" content="$scheme://$http_host/app/static/kim-russia-2023.card.png">'
            in with_card)
    # The title's $, backslash and quotes reach the reader as text, never as nginx variables or escapes.
    assert "Kim&#x27;s &#36;5 &#92; &#x27;armoured&#x27; train" in with_card
    assert "$5" not in with_card and "\\" not in with_card
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.nginx_conf(serve.site_config([8501], "127.0.0.1:8080", share_tags=with_card), tmp_path))
    checked = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e",
                              str(tmp_path / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


async def open_story(url: str, address: str):
    async with Viewer(url, local_address=address) as viewer:
        return await viewer.run("story=kim-russia-2023&stop=vostochny", keep_text=True)


def logged(deployment, read, done, seconds: float = 30):
    """`read(deployment)` once `done(it)` holds: nginx writes a request's line after its reply has gone
    (a websocket's when it closes), so the line may lag the client's view by a moment."""
    deadline = time.monotonic() + seconds
    while True:
        value = read(deployment)
        if done(value) or time.monotonic() > deadline:
            return value
        # Between reads, wait on the deployment itself (as wait_for_health does): its exit ends the wait.
        try:
            deployment.process.wait(timeout=min(0.05, max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"the deployment exited ({deployment.process.returncode}) while its log was read")


def stream_replicas(deployment) -> dict[str, list[str]]:
    """For each reader's address, the replicas its websocket connections ended on, in order."""
    seen: dict[str, list[str]] = {}
    for client, status, request, tried in deployment.access_log():
        if request.startswith("GET /_stcore/stream") and status == "101":
            seen.setdefault(client, []).append(tried.split(", ")[-1])
    return seen


def replica_of_each_machine(deployment) -> dict[str, str]:
    """A cheap request from every machine: which replica nginx's hash sends it to."""
    host, port = deployment.url.removeprefix("http://").split(":")
    for address in MACHINES:
        connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(address, 0))
        connection.request("GET", "/_stcore/health")
        assert connection.getresponse().status == 200
        connection.close()
    def health(running):
        return {client: tried.split(", ")[-1] for client, status, request, tried in running.access_log()
                if request.startswith("GET /_stcore/health") and client in MACHINES}
    return logged(deployment, health, lambda seen: len(seen) == len(MACHINES))


def test_each_reader_sticks_to_one_replica_and_readers_spread_over_both(deployment):
    # The replicas' ports are random, so which machine hashes where is learnt, not assumed: 64 machines
    # all on one of two replicas would be a broken hash (chance 2**-63 for a fair one).
    replica_of = replica_of_each_machine(deployment)
    assert sorted(replica_of) == sorted(MACHINES)
    replicas = {f"127.0.0.1:{port}" for port in deployment.replica_ports}
    assert set(replica_of.values()) == replicas, "every machine went to the same replica"
    readers = [next(m for m in MACHINES if replica_of[m] == r) for r in sorted(replicas)]
    readers += [m for m in MACHINES if m not in readers][:2]
    for _ in range(2):  # every reader connects twice: the second time is a reconnect
        for address in readers:
            run = run_async(open_story(deployment.url, address))
            assert run.status == "FINISHED_SUCCESSFULLY"
            assert any("Vostochny" in text for text in run.texts), "the story's chapter did not come through"
    seen = logged(deployment, stream_replicas,
                  lambda seen: all(len(seen.get(reader, [])) >= 2 for reader in readers))
    assert sorted(seen) == sorted(readers)
    # The websocket, its reconnect and the plain request all land on the same replica.
    assert all(streams == [replica_of[reader]] * 2 for reader, streams in seen.items()), (seen, replica_of)


def test_when_a_replica_dies_its_readers_are_served_by_the_other(deployment):
    # Runs last in this module: it stops one of the module's replicas.
    before = len(stream_replicas(deployment).get(MACHINES[0], []))
    run_async(open_story(deployment.url, MACHINES[0]))
    streams = logged(deployment, stream_replicas, lambda seen: len(seen.get(MACHINES[0], [])) > before)
    port = int(streams[MACHINES[0]][-1].rsplit(":", 1)[1])
    pid = deployment.replica_pids[port]
    os.kill(pid, 15)
    deadline = time.monotonic() + 30
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.1)
    run = run_async(open_story(deployment.url, MACHINES[0]))
    assert run.status == "FINISHED_SUCCESSFULLY" and any("Vostochny" in text for text in run.texts)
    streams = logged(deployment, stream_replicas, lambda seen: len(seen.get(MACHINES[0], [])) > before + 1)
    assert streams[MACHINES[0]][-1] != f"127.0.0.1:{port}"
    last = [tried for client, status, request, tried in deployment.access_log()
            if client == MACHINES[0] and request.startswith("GET /_stcore/stream")][-1]
    assert last.startswith(f"127.0.0.1:{port}, "), "nginx did not try the dead replica first"


# --- the Dockerfile (no Docker engine on the test machines: its file set and its CMD are run here) ---


def image_files(context, ignore_lines: list[str]) -> list[str]:
    """The build context's files that .dockerignore lets in (names, relative paths and **/ patterns)."""
    patterns = [line.strip() for line in ignore_lines if line.strip() and not line.startswith("#")]
    assert not [p for p in patterns if p.startswith("!") or "**" in p.removeprefix("**/")], \
        "this test understands only names, relative paths and a leading **/ in .dockerignore"

    def ignored(relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        for pattern in patterns:
            if pattern.startswith("**/"):
                if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                    return True
            elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
                return True
        return False

    files = []
    for folder, dirs, names in os.walk(context):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            relative = os.path.relpath(os.path.join(folder, name), context)
            if not ignored(relative):
                files.append(relative)
        dirs[:] = [d for d in dirs if not ignored(os.path.relpath(os.path.join(folder, d), context))
                   and not os.path.islink(os.path.join(folder, d))]
    return sorted(files)


def test_the_image_cmd_serves_the_story_from_the_image_files(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-", dockerfile, re.M), "the image must run the Python the app is tested on"
    assert "COPY . ." in dockerfile
    files = image_files(ROOT, (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines())
    assert "app.py" in files and "stories/kim-russia-2023.yaml" in files and "static" in files
    assert not [f for f in files if f.startswith(("tests/", ".venv/", ".git/")) or "__pycache__" in f
                or f == ".streamlit/secrets.toml"]
    image = tmp_path / "app"
    for relative in files:
        target = image / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        source = ROOT / relative
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)

    port = free_port()
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M)[1])
    assert command[0] == "streamlit"
    command = [sys.executable, "-m", "streamlit"] + [
        {"8501": str(port), "0.0.0.0": "127.0.0.1"}.get(part, part) for part in command[1:]]
    log = tmp_path / "server.log"
    server = subprocess.Popen(command, cwd=image, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        serve.wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", server)
        healthcheck = json.loads(re.search(r"CMD (\[.*\])\n", dockerfile.split("HEALTHCHECK", 1)[1])[1])
        assert subprocess.run([sys.executable] + [part.replace("8501", str(port)) for part in healthcheck[1:]],
                              timeout=30).returncode == 0
        run = run_async(open_story(f"http://127.0.0.1:{port}", "127.0.0.1"))
        assert run.status == "FINISHED_SUCCESSFULLY" and any("Vostochny" in text for text in run.texts), \
            log.read_text()
        status, _, body = fetch(f"http://127.0.0.1:{port}/app/static/kim-russia-2023.basemap.geojson")
        assert status == 200 and body == (ROOT / "geodata" / "kim-russia-2023.basemap.geojson").read_bytes()
    finally:
        stop_process(server)
