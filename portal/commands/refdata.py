"""``flask --app portal refdata ...``: load official labour-market files, show what is loaded.

    flask --app portal refdata load-wages FILE.csv       # ESDC Job Bank "Wages" file (full)
    flask --app portal refdata load-thresholds FILE.csv  # high-wage / low-wage thresholds
    flask --app portal refdata load-cma FILE.csv         # low-wage refusal-to-process CMA list
    flask --app portal refdata show

A loaded file is validated first (same columns as the packaged sample; an error names the file,
line and column) and then copied, byte for byte, into ``<instance>/reference/`` under a fixed
name (``INSTANCE_FILES``), replacing the previous copy atomically. Nothing is written when the
file is refused. ``LabourMarketData.current(app.instance_path)`` lays those files over the
packaged ones; deleting one goes back to the packaged copy.

The only Flask-aware part of the reference data. Register with ``app.cli.add_command(refdata)``.
"""

import os
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.reference.labour_market import (
    INSTANCE_FILES,
    SOURCE_KINDS,
    LabourMarketData,
    ReferenceSource,
    instance_reference_dir,
)
from portal.reference.loaders import ReferenceDataError, Source

refdata = AppGroup("refdata", help="Labour-market reference data: load official files, show.")

_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
_LABELS = {"wages": "Job Bank wages", "thresholds": "wage thresholds", "cma_list": "CMA list"}


@refdata.command("load-wages")
@click.argument("file", type=_FILE)
def load_wages(file: Path) -> None:
    """Validate ESDC's Job Bank "Wages" CSV and install it as the prevailing-wage source."""
    _install("wages", file)


@refdata.command("load-thresholds")
@click.argument("file", type=_FILE)
def load_thresholds(file: Path) -> None:
    """Validate a wage_thresholds.csv (high-wage/low-wage threshold by province) and install it."""
    _install("thresholds", file)


@refdata.command("load-cma")
@click.argument("file", type=_FILE)
def load_cma(file: Path) -> None:
    """Validate a cma_refusal_list.csv (ESDC's quarterly CMA list) and install it."""
    _install("cma_list", file)


@refdata.command("show")
def show() -> None:
    """Print the reference data in use: version, and each file's source and date."""
    folder = instance_reference_dir(current_app.instance_path)
    try:
        data = LabourMarketData.current(current_app.instance_path)
    except ReferenceDataError as error:
        raise click.ClickException(f"An installed reference file is invalid: {error}") from None
    click.echo(f"Reference data {data.version}")
    for kind, source in zip(SOURCE_KINDS, data.sources, strict=True):
        installed = folder / INSTANCE_FILES[kind] if kind in INSTANCE_FILES else None
        origin = installed if installed is not None and installed.exists() else "packaged"
        click.echo(_describe(source, origin))


def _install(kind: str, file: Path) -> None:
    label = _LABELS[kind]
    try:
        source = Source.read(file)
        # Validated on its own against the packaged NOC and region lists; other installed
        # files play no part, so a broken one never blocks its replacement.
        loaded = getattr(LabourMarketData.packaged(), f"with_{kind}")(source)
    except ReferenceDataError as error:
        raise click.ClickException(f"{label} not loaded: {error}") from None
    folder = instance_reference_dir(current_app.instance_path)
    target = folder / INSTANCE_FILES[kind]
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(source.data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # public data; the web server may run as another user
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"Loaded {label} from {file} into {target}")
    click.echo(_describe(loaded.sources[SOURCE_KINDS.index(kind)], target))
    try:
        click.echo(
            f"Reference data now {LabourMarketData.current(current_app.instance_path).version}"
        )
    except ReferenceDataError as error:
        raise click.ClickException(
            f"Another installed reference file is invalid: {error}"
        ) from None


def _describe(source: ReferenceSource, origin: object) -> str:
    line = (
        f"- {source.name}: {source.rows} rows, as of {source.as_of}, {source.publisher} ({origin})"
    )
    if source.partial_note:
        line += f"\n    {source.partial_note}"
    return line
