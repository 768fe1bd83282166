"""What the API and the pages share about spreadsheets: the import's limits from the settings,
and a workbook written by ``core.documents`` sent as a download."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from typing import IO

from flask import Response, current_app, send_file

from core.documents.upload import UploadLimits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL = 8 * 1024 * 1024  # a workbook this small stays in memory; a larger one goes to disk


def import_limits() -> UploadLimits:
    config = current_app.config
    return UploadLimits(
        max_bytes=config["IMPORT_MAX_BYTES"],
        max_uncompressed=config["IMPORT_MAX_UNCOMPRESSED"],
        max_rows=config["IMPORT_MAX_ROWS"],
    )


def xlsx_download(write: Callable[[IO[bytes]], object], name: str) -> Response:
    """Run ``write`` into a spooled file and send it; the file is closed after the response."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - closed on close
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = send_file(spool, mimetype=XLSX, as_attachment=True, download_name=name)
    response.call_on_close(spool.close)
    return response


def csv_download(write: Callable[[IO[bytes]], object], name: str) -> Response:
    """Run ``write`` into memory and send it as a CSV attachment (small: one row per code,
    OPD and year, never per activity)."""
    out = io.BytesIO()
    write(out)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
