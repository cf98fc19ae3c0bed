"""A browser page on another origin spends its budget and reads the 429, in headless Chromium.

The page is served by a tiny server in the node script on 127.0.0.1:<page port>, the API by the
real web process on 127.0.0.1:<api port> with the page's origin in CORS_ORIGIN: every call is
cross-origin and, with a custom header, preceded by a preflight. A preflight that was counted
would show in X-RateLimit-Remaining; one that was refused would make fetch() throw (the browser
hides the answer), which is how a 429 or a 414 without CORS headers looked to a front end.
"""
from __future__ import annotations

import os

import pytest

from config.redis_server import free_port
from tests.support.node import chromium_path, node_with_deps, run_node
from tests.support.processes import ServerProcess


@pytest.mark.browser
@pytest.mark.slow
def test_a_page_on_another_origin_reads_the_429_and_edge_answers(app, test_env):
    chromium, node = chromium_path(), node_with_deps()
    page_port = free_port()
    server = ServerProcess(test_env, extra_env={"CORS_ORIGIN": f"http://127.0.0.1:{page_port}",
                                                "RATE_LIMIT_DEFAULT": "3 per minute"})
    server.start()
    try:
        result = run_node(node, "browser_cors.mjs", server.url, str(page_port), "4", timeout=90,
                          env={**os.environ, "CHROMIUM": chromium})
    finally:
        server.stop()
    assert "error" not in result, result
    answers = result["answers"]
    assert not [a for a in answers if "failed" in a], answers  # no preflight was refused
    # the preflights were not counted: each call spent one of the three
    assert [(a["status"], a["limit"], a["remaining"]) for a in answers[:3]] == \
        [(200, "3", "2"), (200, "3", "1"), (200, "3", "0")]
    assert [a["requestId"] for a in answers] == ["browser-1", "browser-2", "browser-3", "browser-4"]
    limited = answers[3]
    assert limited["status"] == 429 and limited["code"] == "RATE_LIMIT_ERROR"
    assert (limited["limit"], limited["remaining"]) == ("3", "0")
    assert 0 < int(limited["retryAfter"]) <= 60
    # an answer of the web server itself is readable too
    edge = result["edge"]
    assert "failed" not in edge, edge
    assert edge["status"] == 414 and edge["code"] == "URI_TOO_LONG" and edge["requestId"]
