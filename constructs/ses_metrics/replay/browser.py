"""Headless Chromium (Debian's ``chromium`` package) for rendering replay reports.

    python -m ses_metrics.replay.browser screenshot report.html report.png   # make demo
    python -m ses_metrics.replay.browser dom report.html                     # the rendered DOM

Chromium is started as the CI machine allows it (as root, no sandbox, no GPU) and kept
off the network: background networking, component updates and sync are off, and each
run gets a new empty profile directory. Without Chromium the commands print how to
install it and exit 0, so ``make demo`` still succeeds; ``find_chromium`` returns None.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

INSTALL_HINT = (
    "headless Chromium is not installed: install Debian's package with "
    "`sudo apt-get install -y chromium` (it provides /usr/bin/chromium), or set SES_METRICS_CHROMIUM to a Chromium binary"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--hide-scrollbars",
)
TIMEOUT_SECONDS = 90


class ChromiumMissing(RuntimeError):
    """No Chromium binary was found (the message says how to install one)."""


def find_chromium() -> str | None:
    """``$SES_METRICS_CHROMIUM``, else ``chromium`` on PATH, else ``/usr/bin/chromium``."""
    configured = os.environ.get("SES_METRICS_CHROMIUM")
    if configured:
        return configured
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _run(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    binary = find_chromium()
    if binary is None:
        raise ChromiumMissing(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="ses-metrics-chromium-") as profile:
        command = [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)


def dump_dom(page: str | os.PathLike[str]) -> str:
    """The page's DOM after Chromium loaded it (and ran its scripts)."""
    result = _run(Path(page), "--dump-dom", "--virtual-time-budget=5000")
    if result.returncode != 0 or not result.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def screenshot(page: str | os.PathLike[str], png: str | os.PathLike[str], *, width: int = 1280, height: int = 2400) -> Path:
    """A PNG of the top ``width`` x ``height`` pixels of the page as Chromium renders it."""
    target = Path(png).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    result = _run(Path(page), f"--screenshot={target}", f"--window-size={width},{height}")
    if not target.exists():
        raise RuntimeError(f"chromium --screenshot wrote nothing ({result.returncode}): {result.stderr[-2000:]}")
    return target


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    usage = "usage: python -m ses_metrics.replay.browser screenshot PAGE.html OUT.png | dom PAGE.html"
    if not args or args[0] not in ("screenshot", "dom") or len(args) != (3 if args[0] == "screenshot" else 2):
        print(usage, file=sys.stderr)
        return 2
    try:
        if args[0] == "screenshot":
            print(f"screenshot of {args[1]} written to {screenshot(args[1], args[2])}")
        else:
            sys.stdout.write(dump_dom(args[1]))
    except ChromiumMissing as missing:
        print(f"skipped: {missing}", file=sys.stderr)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"chromium failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
