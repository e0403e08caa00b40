"""Fixtures for the browser tests; the server and helpers live in browser_support.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Server

from storymap.video import SYNC_SHADERS


@pytest.fixture(scope="session")
def server():
    """The app on the built-in stories."""
    running = Server()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = launched.new_context

        def new_context_with_sync_shaders(**options):
            # With parallel shader compilation luma.gl leaves a layer out of every frame drawn while its
            # program links, for longer the busier the machine: a test reading pixels right after a new
            # layer appears would then see the ground under it. Linked at once, a drawn frame is whole.
            context = new_context(**options)
            context.add_init_script(SYNC_SHADERS)
            return context

        launched.new_context = new_context_with_sync_shaders
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    """A fresh page whose every request is logged in page.requests_seen; screenshot saved after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.requests_seen = []
    tab.on("request", lambda req: tab.requests_seen.append(req.url))
    yield tab
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=False)
    context.close()


@pytest.fixture
def open_page(browser):
    """open_page(**context_options): a page in a context of its own (1400 x 900 unless a viewport is
    given), for tests that need another viewport, theme or motion setting; closed after the test."""
    contexts = []

    def open_(**options):
        context = browser.new_context(**({"viewport": {"width": 1400, "height": 900}} | options))
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
