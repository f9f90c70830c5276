"""The `ebok` command: serve, worker, migrate, demo, schema, check, billing run, imports."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.clock import Clock
from models.settings import ConfigurationError, Settings, load_settings

if TYPE_CHECKING:
    from models.services.worker import Worker

log = logging.getLogger("ebok")


def _demo_settings() -> Settings:
    """Demo data is for trying eBOK out, never for a production database.

    With --demo and no EBOK_ENV the process runs as `development`; an explicit
    EBOK_ENV=production is refused, so demo passwords cannot reach production.
    """
    if os.environ.get("EBOK_ENV", "") == "production":
        raise ConfigurationError("demo data is refused with EBOK_ENV=production")
    os.environ.setdefault("EBOK_ENV", "development")
    return load_settings()


async def _migrate(settings: Settings) -> None:
    from models.services.database import close_database, migrate_database

    await migrate_database(settings.database_url)
    await close_database()


async def _seed_demo(settings: Settings) -> bool:
    from models.clock import clock_from_settings
    from models.services.database import close_database, migrate_database, open_database
    from models.services.demo import seed_demo, stored_registration_invoice_number

    clock = clock_from_settings(settings.clock, env=settings.env, demo=True)
    await migrate_database(settings.database_url)
    await close_database()
    await open_database(settings.database_url)
    try:
        seeded = await seed_demo(clock, settings.utility)
        number = await stored_registration_invoice_number()
        if number:
            print(f"demo: to try registration use account 100002 with invoice {number}")
        return seeded
    finally:
        await close_database()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from web.app import DEMO_MODE_VARIABLE, WORKER_VARIABLE

    # Each uvicorn process reads this in its lifespan and runs one worker beside the app.
    os.environ[WORKER_VARIABLE] = "0" if args.no_worker else "1"
    if not args.no_worker:
        _check_mail_settings(load_settings())
    if args.demo:
        settings = _demo_settings()
        seeded = asyncio.run(_seed_demo(settings))
        log.info("demo data %s", "seeded" if seeded else "already present")
        os.environ[DEMO_MODE_VARIABLE] = "1"
    else:
        settings = load_settings()
        # Refuse a shifted clock before starting anything.
        from models.clock import clock_from_settings

        clock_from_settings(settings.clock, env=settings.env, demo=False)
        asyncio.run(_migrate(settings))
    log.info("eBOK at http://%s:%s (%s)", args.host, args.port, settings.env)
    uvicorn.run(
        "web.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # No "server: uvicorn" banner: it only tells an attacker what to look up.
        server_header=False,
        log_level="info",
        **proxy_options(settings),
    )
    return 0


def _check_mail_settings(settings: Settings) -> None:
    """A malformed EBOK_SMTP_URL or EBOK_MAIL_FROM stops `serve` here, with a clear word,
    rather than in every uvicorn process."""
    from models.services.mail_transport import envelope_sender, transport_from_settings

    transport_from_settings(settings)
    envelope_sender(settings.mail_from)


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn believes X-Forwarded-For/-Proto (the client's address, https) only from
    EBOK_TRUSTED_PROXIES; without it, from nobody, so no client can claim another
    address (sign-in throttling counts per address) or a scheme it did not use."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}


def cmd_worker(args: argparse.Namespace) -> int:
    settings = load_settings()
    from models.clock import clock_from_settings

    clock = clock_from_settings(settings.clock, env=settings.env, demo=False)
    return asyncio.run(_work(settings, clock, once=args.once))


async def _work(settings: Settings, clock: Clock, *, once: bool) -> int:
    from models.services.database import close_database, open_database
    from models.services.worker import Worker

    worker = Worker(settings, clock)  # refuses a malformed EBOK_SMTP_URL before connecting
    await open_database(settings.database_url)
    try:
        if once:
            report = await worker.drain()
            await worker.run_jobs_once()
            print(f"{report.sent} sent, {report.retrying} to be retried, {report.failed} given up")
            return 0
        await _run_until_signalled(worker)
        return 0
    finally:
        await close_database()


async def _run_until_signalled(worker: Worker) -> None:
    """SIGTERM or Ctrl-C: finish the message at hand, then stop. A second one: stop now
    (a message being sent then may be sent again once its lease runs out)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()

    def on_signal() -> None:
        if stop.is_set() and task is not None:
            task.cancel()
        stop.set()

    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, on_signal)
    try:
        await worker.run(stop)
    except asyncio.CancelledError:
        log.warning("worker stopped at once on a second signal")
    finally:
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(number)


def cmd_mail_check(args: argparse.Namespace) -> int:
    from models.services.mail_message import is_sendable_address

    if not is_sendable_address(args.address):
        raise ConfigurationError(f"not an e-mail address: {args.address!r}")
    settings = load_settings()
    from models.clock import clock_from_settings

    clock = clock_from_settings(settings.clock, env=settings.env, demo=False)
    asyncio.run(_queue_mail_check(settings, clock, args.address))
    where = "over SMTP" if settings.smtp_url else f"as a file into {settings.mail_dir}/"
    print(f"a test e-mail is queued; the worker (ebok worker, or ebok serve) sends it {where}")
    return 0


async def _queue_mail_check(settings: Settings, clock: Clock, address: str) -> None:
    from models.clock import WARSAW
    from models.services.database import close_database, open_database
    from models.services.outbox import queue_email

    now = clock.now()
    await open_database(settings.database_url)
    try:
        requested_at = now.astimezone(WARSAW).strftime("%d.%m.%Y o %H:%M")
        await queue_email(address, "mail_check", {"requested_at": requested_at}, now=now)
    finally:
        await close_database()


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    asyncio.run(_migrate(settings))
    print("migrations applied")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    settings = _demo_settings()
    seeded = asyncio.run(_seed_demo(settings))
    print("demo data seeded" if seeded else "the database is not empty: demo data not seeded")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


async def _check(settings: Settings, repair: bool) -> int:
    from tqdm import tqdm

    from models.services.database import close_database, open_database
    from models.services.figures import check_figures, count_accounts

    await open_database(settings.database_url)
    try:
        total = await count_accounts()
        with tqdm(total=total, unit=" kont", desc="ebok check", file=sys.stderr) as bar:
            differences = await check_figures(repair=repair, progress=bar.update)
    finally:
        await close_database()
    for difference in differences:
        print(difference)
    verb = "repaired" if repair else "found"
    print(f"{len(differences)} difference(s) {verb} in the stored figures of {total} account(s)")
    return 1 if differences and not repair else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Recompute every stored figure from the ledger; exit 1 when any differs."""
    settings = load_settings()
    asyncio.run(_migrate(settings))
    return asyncio.run(_check(settings, args.repair))


async def _billing_run(settings: Settings, period: date) -> int:
    from tqdm import tqdm

    from models.clock import clock_from_settings
    from models.errors import DomainError
    from models.services.billing import run_billing
    from models.services.database import close_database, open_database
    from models.services.figures import count_accounts

    clock = clock_from_settings(settings.clock, env=settings.env, demo=False)
    await open_database(settings.database_url)
    try:
        total = await count_accounts()
        with tqdm(
            total=total, unit=" kont", desc=f"rozliczenie {period:%m.%Y}", file=sys.stderr
        ) as bar:
            started = time.perf_counter()
            run = await run_billing(
                period,
                clock,
                payment_term_days=settings.utility.payment_term_days,
                progress=bar.update,
            )
            elapsed = time.perf_counter() - started
    except DomainError as refused:
        print(f"ebok: {refused.message('pl')}", file=sys.stderr)
        return 2
    finally:
        await close_database()
    print(
        f"{run.invoices} invoice(s) and {run.corrections} correction(s) issued "
        f"({run.estimated} reading(s) estimated) for {period:%Y-%m} in {elapsed:.1f} s"
    )
    return 0


def _month(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, not {text!r}") from None


def cmd_billing_run(args: argparse.Namespace) -> int:
    """Issue the invoices due for a month (idempotent)."""
    settings = load_settings()
    asyncio.run(_migrate(settings))
    return asyncio.run(_billing_run(settings, args.period))


async def _import_customers(settings: Settings, path: str, data: bytes) -> int:
    from tqdm import tqdm

    from models.clock import clock_from_settings
    from models.rules.onboarding import decode_export, parse_export
    from models.services.database import close_database, open_database
    from models.services.onboarding import conflicts_with_database, import_customers

    try:
        text = decode_export(data)
    except UnicodeDecodeError as exc:
        print(f"ebok: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    rows, problems = parse_export(text)
    clock = clock_from_settings(settings.clock, env=settings.env, demo=False)
    await open_database(settings.database_url)
    try:
        if not problems:
            problems = await conflicts_with_database(rows)
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"{len(problems)} problem(s): nothing imported", file=sys.stderr)
            return 1
        customers = len({row.number for row in rows})
        with tqdm(total=customers, unit=" klientów", desc="import", file=sys.stderr) as bar:
            result = await import_customers(rows, clock, progress=bar.update)
    finally:
        await close_database()
    print(
        f"{len(result.created)} customer(s) with {result.meters} meter(s) imported; "
        f"{len(result.already_present)} already present"
    )
    return 0


def cmd_import_customers(args: argparse.Namespace) -> int:
    """Onboard customers, contracts, meters and last readings from a CSV export."""
    settings = load_settings()
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"ebok: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    asyncio.run(_migrate(settings))
    return asyncio.run(_import_customers(settings, args.file, data))


async def _import_statements(settings: Settings, paths: Sequence[str]) -> int:
    from tqdm import tqdm

    from models.clock import clock_from_settings
    from models.errors import DomainError
    from models.services.bank_statements import import_statement
    from models.services.database import close_database, open_database

    clock = clock_from_settings(settings.clock, env=settings.env, demo=False)
    failed = 0
    await open_database(settings.database_url)
    try:
        for path in paths:
            try:
                data = await asyncio.to_thread(Path(path).read_bytes)
            except OSError as exc:
                print(f"ebok: cannot read {path}: {exc.strerror}", file=sys.stderr)
                failed += 1
                continue
            name = os.path.basename(path)
            with tqdm(unit=" wpłat", desc=f"wyciąg {name}", file=sys.stderr) as bar:
                try:
                    result = await import_statement(
                        data,
                        name,
                        clock,
                        bank_branch=settings.utility.bank_branch,
                        progress=bar.update,
                        on_credits=lambda n, bar=bar: bar.reset(total=n),
                    )
                except DomainError as refused:
                    bar.close()
                    print(f"ebok: {path}: {refused.message('pl')}", file=sys.stderr)
                    failed += 1
                    continue
            print(
                f"{path}: {result.format}, {result.transactions} transaction(s): "
                f"{result.imported} payment(s) imported ({result.matched} matched, "
                f"{result.unmatched} unmatched), {result.already_booked} already booked, "
                f"{result.skipped} skipped"
            )
    finally:
        await close_database()
    return 1 if failed else 0


def cmd_import_statement(args: argparse.Namespace) -> int:
    """Book the credits of bank statements (MT940, camt.053); a repeat books nothing."""
    settings = load_settings()
    asyncio.run(_migrate(settings))
    return asyncio.run(_import_statements(settings, args.files))


async def _create_staff(settings: Settings, clock: Clock, login: str, email: str) -> int:
    from models.errors import DomainError
    from models.services.credentials import create_staff
    from models.services.database import close_database, open_database

    await open_database(settings.database_url)
    try:
        user, password = await create_staff(login, email, clock)
    except DomainError as refused:
        print(f"ebok: {refused.message('en')}", file=sys.stderr)
        return 1
    finally:
        await close_database()
    # The one place the one-time password appears: on the operator's terminal, once.
    print(f"staff user {user.login} created; one-time password (one sign-in, 7 days):")
    print(password)
    print("at the first sign-in they set their own password and two-step sign-in")
    return 0


def cmd_create_staff(args: argparse.Namespace) -> int:
    from models.clock import clock_from_settings

    settings = load_settings()
    clock = clock_from_settings(settings.clock, env=settings.env, demo=False)
    asyncio.run(_migrate(settings))
    return asyncio.run(_create_staff(settings, clock, args.login, args.email))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ebok", description="eBOK, the water utility's customer service office"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web service (migrates first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--demo", action="store_true", help="seed the demo data into an empty database"
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run e-mail sending and scheduled jobs in this process",
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker",
        help="send queued e-mail and run scheduled jobs until stopped (SIGTERM, Ctrl-C); "
        "run it after `ebok migrate`",
    )
    worker.add_argument(
        "--once", action="store_true", help="send what is due and run each job once, then exit"
    )
    worker.set_defaults(handler=cmd_worker)

    mail_check = commands.add_parser(
        "mail-check", help="queue a test e-mail to ADDRESS, to check how mail leaves eBOK"
    )
    mail_check.add_argument("address")
    mail_check.set_defaults(handler=cmd_mail_check)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(
        handler=cmd_migrate
    )
    commands.add_parser("demo", help="seed the demo data into an empty database").set_defaults(
        handler=cmd_demo
    )
    commands.add_parser("schema", help="print the GraphQL schema (SDL)").set_defaults(
        handler=cmd_schema
    )
    check = commands.add_parser(
        "check",
        help="recompute the stored balances and invoice figures from the ledger "
        "and report any difference (exit status 1)",
    )
    check.add_argument("--repair", action="store_true", help="also correct the differences found")
    check.set_defaults(handler=cmd_check)

    billing = commands.add_parser("billing", help="the billing run").add_subparsers(
        dest="billing_command", required=True
    )
    billing_run = billing.add_parser(
        "run", help="issue the invoices due for a month; running it again issues nothing new"
    )
    billing_run.add_argument("--period", type=_month, required=True, help="the month, YYYY-MM")
    billing_run.set_defaults(handler=cmd_billing_run)

    onboarding = commands.add_parser(
        "import-customers",
        help="onboard customers, contracts, meters and their last readings from a CSV export "
        "(columns: README); nothing is written when any row is wrong; idempotent",
    )
    onboarding.add_argument("file", help="the CSV file")
    onboarding.set_defaults(handler=cmd_import_customers)

    statements = commands.add_parser(
        "import-statement",
        help="book the credits of bank statements (MT940 or camt.053, told apart by content); "
        "a malformed file books nothing; importing one again books nothing twice",
    )
    statements.add_argument("files", nargs="+", metavar="FILE", help="statement files")
    statements.set_defaults(handler=cmd_import_statement)

    staff = commands.add_parser(
        "create-staff",
        help="create a staff user and print a one-time password; at the first sign-in "
        "they set their own password and two-step sign-in",
    )
    staff.add_argument("login")
    staff.add_argument("email")
    staff.set_defaults(handler=cmd_create_staff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigurationError as exc:
        print(f"ebok: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
