"""How long one invoice PDF takes: `/faktury/{number}.pdf`, whole request, in-process.

    .venv/bin/python bench/pdf_render.py --database-url sqlite://var/bench-2k.sqlite3 \\
        [--invoices 30]

Fetches the newest invoice of generated users with their READ tokens through the app
in one process (httpx's ASGI transport: the operation, the Jinja document, WeasyPrint's
layout to tagged PDF/UA, the QR code), after one warm-up request (the first loads the
fonts), and prints the wall and CPU time per PDF: median, 90th percentile, worst.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.inprocess import app_client  # noqa: E402
from bench.run import Db, pick_samples  # noqa: E402


async def measure(url: str, count: int) -> dict[str, list[float]]:
    samples = [s for s in await pick_samples(Db(url), count + 1) if s.invoice]
    times: dict[str, list[float]] = {"wall_ms": [], "cpu_ms": [], "bytes": []}
    async with app_client(url) as client:
        for index, sample in enumerate(samples):
            path = f"/faktury/{quote(sample.invoice)}.pdf"
            headers = {"Authorization": f"Bearer {sample.token}"}
            wall, cpu = time.perf_counter(), time.process_time()
            response = await client.get(path, headers=headers)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise SystemExit(f"{path}: {response.status_code}")
            if index == 0:
                continue  # the warm-up: fonts and templates load on the first
            times["wall_ms"].append(wall * 1000)
            times["cpu_ms"].append(cpu * 1000)
            times["bytes"].append(len(response.content))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--invoices", type=int, default=30)
    arguments = parser.parse_args()
    times = asyncio.run(measure(arguments.database_url, arguments.invoices))
    for key in ("wall_ms", "cpu_ms"):
        values = sorted(times[key])
        p90 = values[int(0.9 * (len(values) - 1))]
        print(
            f"{key:8} median {statistics.median(values):7.1f}  p90 {p90:7.1f}  "
            f"worst {values[-1]:7.1f}  ({len(values)} PDFs)"
        )
    print(f"size     median {statistics.median(times['bytes']) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
