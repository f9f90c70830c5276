"""The CPU time of /konto's own work, apart from the GraphQL call it runs, in-process.

    .venv/bin/python bench/render_cost.py --database-url sqlite:///tmp/run-20k.sqlite3 \\
        [--accounts 40] [--repeat 20] [--profile FILE] [--save DIR]

Fetches /konto once for each of `--accounts` sampled users through the app (httpx's ASGI
transport, no network), keeping what the page hands to `render()`, and then times with
`time.process_time`, `--repeat` times over all of them: the template's rendering, the
chart's geometry and summary (`consumption_context`) and the ETag (with its version
query). With --save it writes each page's HTML to DIR/<number>.html, to compare the
pages of two versions of the code (`diff -r`, after normalising the whitespace).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.inprocess import app_client  # noqa: E402
from bench.run import Db, konto_page, pick_samples, send  # noqa: E402


async def measure(
    url: str, accounts: int, repeat: int, profile: Path | None, html: dict[str, str]
) -> dict[str, float]:
    """CPU ms per page of each part; each account's page goes into `html`."""
    import web.pages.dashboard as page
    from web.charts import months_back
    from web.conditional import etag_for
    from web.rendering import base_context, templates

    captured: list[tuple[Any, str, dict[str, Any]]] = []
    original = page.render

    def keep(request: Any, template: str, context: dict[str, Any], **kw: Any) -> Any:
        captured.append((request, template, context))
        return original(request, template, context, **kw)

    page.render = keep  # type: ignore[assignment]
    samples = await pick_samples(Db(url), accounts)
    async with app_client(url) as client:
        for sample in samples:
            for _ in range(2):  # a first use of a session writes
                response = await send(client, "", konto_page(sample))
                if response.status_code != 200:
                    raise SystemExit(f"{sample.number}: {response.status_code}")
            html[sample.number] = response.text
        page.render = original  # type: ignore[assignment]
        pages = [
            (request, templates.get_template(name), {**base_context(request), **context})
            for request, name, context in captured[1::2]
        ]
        count = repeat * len(pages)
        result: dict[str, float] = {}

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        started = time.process_time()
        for _ in range(repeat):
            for _request, template, context in pages:
                template.render(context)
        result["render"] = (time.process_time() - started) / count * 1000
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)

        started = time.process_time()
        for _ in range(repeat):
            for _request, _template, context in pages:
                today = context["request"].app.state.clock.today()
                start, end = months_back(today, page.CHART_MONTHS)
                page.consumption_context(context["account"], start, end)
        result["chart"] = (time.process_time() - started) / count * 1000

        started = time.process_time()
        for _ in range(repeat):
            for request, _template, _context in pages:
                await etag_for(request, [request.url.path, request.url.query, "False"])
        result["etag"] = (time.process_time() - started) / count * 1000
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--accounts", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", type=Path, help="a cProfile of the rendering")
    parser.add_argument("--save", type=Path, help="write each page's HTML here")
    arguments = parser.parse_args()
    html: dict[str, str] = {}
    result = asyncio.run(
        measure(
            arguments.database_url, arguments.accounts, arguments.repeat, arguments.profile, html
        )
    )
    if arguments.save:
        arguments.save.mkdir(parents=True, exist_ok=True)
        for number, text in html.items():
            (arguments.save / f"{number}.html").write_text(text)
    for part, ms in result.items():
        print(f"{part:7} {ms:.3f} CPU ms per page")
    print(f"total   {sum(result.values()):.3f} CPU ms per page")


if __name__ == "__main__":
    main()
