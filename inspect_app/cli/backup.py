"""`backup` and `restore`: the database and the evidence files in one archive (CONTRACTS 5.3)."""

from __future__ import annotations

import click

from inspect_app.cli.errors import exit_on_domain_error


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
def backup_command(output):
    """Back up the database and the evidence files (local folder or bucket) into one .tar.gz."""
    from pathlib import Path

    from inspect_app.services.backup import create_backup
    from inspect_app.storage import get_storage

    with exit_on_domain_error():
        manifest = create_backup(Path(output), get_storage())
    rows = sum(manifest["row_counts"].values())
    click.echo(f"Backup written to {output}: {rows} rows, revision {manifest['revision']}.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive):
    """Restore a backup into an empty, migrated database (all or nothing)."""
    from pathlib import Path

    from inspect_app.services.backup import restore_backup
    from inspect_app.storage import get_storage

    with exit_on_domain_error():
        manifest = restore_backup(Path(archive), get_storage())
    rows = sum(manifest["row_counts"].values())
    click.echo(f"Restored {rows} rows from the backup of {manifest['created_at']}.")


COMMANDS = (backup_command, restore_command)
