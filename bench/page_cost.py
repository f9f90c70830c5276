"""CPU time per request of /konto against the GraphQL call it wraps, in-process.

    .venv/bin/python bench/page_cost.py --database-url sqlite://var/bench-2k.sqlite3 \\
        [--requests 400] [--rounds 3] [--profile DIR]

The HTTP runs of run.py measure wall time, which on a shared machine moves with
everyone else's load. This measures what the load cannot move much: the process's
CPU time (`time.process_time`, all threads) for the same requests through the same app
in one process (httpx's ASGI transport, no network), alternating the sides, and
reports each side's best round and the ratios (target: /konto ≤ 1.3 × its call): to
`Dashboard`, as earlier runs did, and to `AccountDashboard`, the operation /konto runs.
With --profile it also writes a cProfile of each side's last round.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.inprocess import app_client  # noqa: E402
from bench.run import (  # noqa: E402
    Db,
    graphql_account_dashboard,
    graphql_dashboard,
    konto_page,
    pick_samples,
    send,
)


async def measure(url: str, requests: int, rounds: int, profile: Path | None) -> dict:
    samples = await pick_samples(Db(url), 50)
    sides = {
        "graphql": [graphql_dashboard(s) for s in samples],
        "account": [graphql_account_dashboard(s) for s in samples],
        "konto": [konto_page(s) for s in samples],
    }
    per_request: dict[str, list[float]] = {side: [] for side in sides}
    async with app_client(url) as client:
        for side, batch in sides.items():  # warm-up; a first use of a session writes
            for request in batch:
                response = await send(client, "", request)
                if response.status_code != 200:
                    raise SystemExit(f"{side}: {response.status_code}")
        for round_ in range(rounds):
            order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for side in order:
                batch = sides[side]
                profiler = cProfile.Profile() if profile and round_ == rounds - 1 else None
                started = time.process_time()
                if profiler:
                    profiler.enable()
                for i in range(requests):
                    await send(client, "", batch[i % len(batch)])
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(profile / f"{side}.prof")
                elapsed = time.process_time() - started
                per_request[side].append(elapsed / requests * 1000)
    best = {side: min(values) for side, values in per_request.items()}
    return {
        "rounds_ms": per_request,
        "best_ms": best,
        "ratio": best["konto"] / best["graphql"],
        "ratio_account": best["konto"] / best["account"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    arguments = parser.parse_args()
    if arguments.profile:
        arguments.profile.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(
        measure(arguments.database_url, arguments.requests, arguments.rounds, arguments.profile)
    )
    for side, values in result["rounds_ms"].items():
        rounds = ", ".join(f"{v:.2f}" for v in values)
        print(f"{side:8} CPU ms per request, by round: {rounds}")
    print(f"/konto ÷ Dashboard (best rounds): {result['ratio']:.2f}")
    print(f"/konto ÷ AccountDashboard, the operation it runs: {result['ratio_account']:.2f}")


if __name__ == "__main__":
    main()
