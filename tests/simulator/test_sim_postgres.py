"""--redshift-url: the Redshift COPY loads into a real PostgreSQL, started here when one is installed."""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from simkit import simple, warehouse

from ses_metrics.cli import main
from ses_metrics.simulator import Simulator
from ses_metrics.simulator.sinks.databases import PostgresDatabase

INITDB, PG_CTL = shutil.which("initdb"), shutil.which("pg_ctl")
needs_server = pytest.mark.skipif(not (INITDB and PG_CTL), reason="no PostgreSQL server here (initdb and pg_ctl are not on PATH); make test does not need one")
import psycopg  # noqa: E402 - a requirement (the binary build bundles libpq): a missing install fails, never skips


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the postgres user there."""
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{part}'" for part in command)]


@pytest.fixture(scope="module")
def postgres():
    if os.geteuid() == 0:
        try:
            import pwd

            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
    directory = Path(tempfile.mkdtemp(prefix="ses-metrics-pg-"))
    data = directory / "data"
    if os.geteuid() == 0:
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(_as_server_user([INITDB, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]), check=True, capture_output=True)
    options = f"-k {directory} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_server_user([PG_CTL, "-D", str(data), "-o", options, "-w", "-l", str(directory / "log"), "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_server_user([PG_CTL, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


@needs_server
def test_simulate_loads_the_example_rows_into_postgresql(postgres, tmp_path, capsys, example_template):
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    code = main(["simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--redshift-url", postgres, "--json"])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert code == 0 and summary["redshiftRowsLoaded"] > 0
    with psycopg.connect(postgres) as connection:
        rows = connection.execute("SELECT event_type, campaign, bounce_type FROM ses WHERE event_type = 'Bounce' AND campaign = 'spring'").fetchall()
        [(count,)] = connection.execute("SELECT count(*) FROM ses").fetchall()
        [(length,)] = connection.execute("SELECT character_maximum_length FROM information_schema.columns WHERE table_name = 'ses' AND column_name = 'campaign'").fetchall()
    assert rows == [("Bounce", "spring", "Permanent")]
    assert count == summary["redshiftRowsLoaded"] and length == 256


def test_an_unreachable_url_is_a_usage_error(capsys, example_template, tmp_path):
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    code = main(["simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--redshift-url", "postgresql://nobody@127.0.0.1:1/none"])
    assert code == 2 and "cannot connect to postgresql://nobody@127.0.0.1:1/none" in capsys.readouterr().err


@needs_server
def test_a_table_of_another_shape_fails_the_copy_with_postgresqls_reason(postgres, example_template):
    with psycopg.connect(postgres) as connection:
        connection.execute("CREATE TABLE drifted (x integer)")
    template = copy.deepcopy(example_template)
    stream = warehouse(template)
    stream["Properties"]["RedshiftDestinationConfiguration"]["CopyCommand"]["DataTableName"] = "drifted"
    stream["Metadata"]["ses-metrics"]["table"] = "drifted"
    simulator = Simulator(template, redshift_database=PostgresDatabase(postgres))
    simulator.send_email(**simple())
    simulator.flush()
    [load] = simulator.redshift.loads
    assert load["status"] == "failed" and 'the database refused the rows: column "message_id" of relation "drifted" does not exist' in load["error"]
