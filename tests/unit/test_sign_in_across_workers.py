"""Sign-in protection holds across worker processes: its state is in the database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx

from tests.servers import running_server, server_log

ISSUE = """mutation Issue($login: String!, $password: String!) {
  issueToken(input: {login: $login, password: $password}) { token errors { code } }
}"""


async def _issue(base_url: str, password: str) -> str:
    # A new connection for each attempt, so the kernel spreads them over the workers.
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": ISSUE, "variables": {"login": "jan.kowalski", "password": password}},
        )
    payload = response.json()["data"]["issueToken"]
    return "OK" if payload["token"] else payload["errors"][0]["code"]


async def test_two_workers_lock_a_login_after_ten_failures_between_them(tmp_path: Path) -> None:
    with running_server(tmp_path, "--workers", "2") as base_url:
        guesses = await asyncio.gather(*(_issue(base_url, f"guess-{n}") for n in range(16)))
        right = await _issue(base_url, "Woda-Demo-2026!")
    assert guesses.count("INVALID_CREDENTIALS") == 10
    assert guesses.count("ACCOUNT_LOCKED") == 6
    assert right == "ACCOUNT_LOCKED"
    # Both workers answered (uvicorn logs each worker's process id as it starts).
    workers = set(re.findall(r"Started server process \[(\d+)\]", server_log(tmp_path)))
    assert len(workers) == 2
