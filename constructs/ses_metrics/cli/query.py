"""``ses-metrics query DIR [SQL] [--named NAME]``: Athena SQL over a simulation's archive."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    USAGE_EXIT,
    UsageError,
    add_command,
    add_format_argument,
    make_console,
    text,
    write_ndjson,
)


def run(args: argparse.Namespace) -> int:
    from ses_metrics.simulator import Environment, TemplateError
    from ses_metrics.simulator.athena import LocalAthena, QueryError, read_catalog

    template = args.template or ("cdk.out" if Path("cdk.out").is_dir() else None)
    if template is None:
        raise UsageError("give --template (a cdk.out directory or a template file): there is no cdk.out here")
    try:
        catalog = read_catalog(template, Environment(account=args.account, region=args.region))
    except TemplateError as error:
        raise UsageError(str(error)) from None
    if not catalog.tables:
        raise UsageError(f"{template} declares no Glue table (give an S3 stream `athena: {{}}`, or use EventArchiveCatalog)")
    if args.sql is None and args.named is None:
        return _list(catalog)
    if args.sql is not None and args.named is not None:
        raise UsageError("give SQL or --named NAME, not both")
    try:
        saved = catalog.named_query(args.named) if args.named else None
        sql = saved.sql if saved else args.sql
        database = args.database or (saved.database if saved else None)
        if args.athena:
            result, warnings = _on_athena(sql, database or catalog.tables[0].database, args.workgroup or (saved.workgroup if saved else None), args)
        else:
            directory = Path(args.directory)
            if not (directory / "s3").is_dir():
                raise UsageError(f"{directory} has no s3/ folder: give a `simulate --out` or `replay --out` directory")
            with LocalAthena(directory, catalog) as athena:
                result = athena.query(sql, database=database)
                warnings = athena.warnings
    except QueryError as error:
        raise UsageError(str(error)) from None
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _print(result.columns, result.rows, args.format, title=args.named)
    return EXIT_OK


def _on_athena(sql: str, database: str, workgroup: str | None, args: argparse.Namespace) -> tuple[Any, list[str]]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from ses_metrics.ci.athena import run_on_athena

    try:
        client = boto3.client("athena", region_name=args.region if args.region_given else None)
        return run_on_athena(client, sql, database=database, workgroup=workgroup), []
    except (BotoCoreError, ClientError) as error:
        raise UsageError(f"Athena: {error}") from None


def _list(catalog: Any) -> int:
    from rich.table import Table

    table = Table(title="Named queries (ses-metrics query DIR --named NAME)")
    for column in ("Name", "Database", "Workgroup", "What it returns"):
        table.add_column(column, overflow="fold")
    for q in catalog.named_queries:
        table.add_row(text(q.name), text(q.database), text(q.workgroup or ""), text(q.description))
    make_console().print(table)
    for t in catalog.tables:
        print(f"table {t.database}.{t.name}: s3://{t.bucket}/{t.location} (partitions: {', '.join(t.partition_keys) or 'none'})")
    return EXIT_OK


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _print(columns: list[str], rows: list[tuple[Any, ...]], fmt: str, *, title: str | None) -> None:
    if fmt == "json":
        document = {"columns": columns, "rows": [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    elif fmt == "ndjson":
        items = [{c: _plain(v) if not isinstance(v, bytes) else str(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        write_ndjson(items, {"columns": columns, "rows": len(rows)})
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
    else:
        from rich.table import Table

        table = Table(title=title)
        for column in columns:
            table.add_column(text(column), overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else text(_plain(v)) for v in row))
        console = make_console()
        console.print(table)
        console.print(f"{len(rows)} row(s)")


class _RegionGiven(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None) -> None:
        namespace.region = values
        namespace.region_given = True


def add_parser(commands: argparse._SubParsersAction) -> None:
    query = add_command(
        commands,
        "query",
        summary="run Athena SQL (or a named query of the template) over a simulation's S3 archive, locally with DuckDB",
        description=(
            "Run Athena (Trino) SQL, or a named query the template declares, over the S3 archive a simulation wrote "
            "(simulate --out), with the Glue tables of the template, locally with DuckDB; --athena runs it on Athena. "
            "--format ndjson prints one object per row."
        ),
        examples=[
            "ses-metrics query cdk.out/simulation --named bounces-by-campaign",
            "ses-metrics query cdk.out/simulation \"SELECT eventtype, count(*) FROM events GROUP BY 1\" --format ndjson",
        ],
        exit_codes={EXIT_OK: "the query ran (zero rows included)", EXIT_USAGE: USAGE_EXIT + ", SQL that does not parse or run"},
    )
    query.add_argument("directory", help="a `simulate --out` or `replay --out` directory (its s3/ folder is read)")
    query.add_argument("sql", nargs="?", help="Athena (Trino) SQL; without it and --named, list the named queries")
    query.add_argument("--named", metavar="NAME", help="run a named query the template declares, unchanged")
    query.add_argument("--template", help="the cdk.out directory or template declaring the Glue tables (default ./cdk.out)")
    query.add_argument("--database", help="database of unqualified tables (default: the named query's, or the only one)")
    add_format_argument(query, ("table", "json", "ndjson", "csv"))
    query.add_argument("--athena", action="store_true", help="run on real Athena with boto3 (needs AWS credentials; DIR is not read)")
    query.add_argument("--workgroup", help="with --athena: the workgroup (default: the named query's)")
    query.add_argument("--account", default="111122223333", help="the simulated AWS account the template is resolved for")
    query.add_argument("--region", default="us-east-1", action=_RegionGiven, help="the region (and with --athena, Athena's)")
    query.set_defaults(run=run, region_given=False)

