"""The one size limit for files handed to the yield model, shared by the page and the CLI.

The app's upload limit is ``server.maxUploadSize`` (megabytes) in ``.streamlit/config.toml``;
:func:`configured_mb` reads it from there (falling back to :data:`FALLBACK_MB` when the
file or the key is absent), so ``python cli.py train/score --max-mb`` defaults to the same
number. A megabyte is counted as Streamlit counts it, 2**20 bytes, so a file the browser
accepts is never refused by the reader, and the same file passes or fails in both places.
"""

from __future__ import annotations

import math
import os
import tomllib
from pathlib import Path

from yieldmodel.messages import DataError

#: The app's Streamlit configuration, where ``server.maxUploadSize`` is set.
CONFIG_PATH = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
#: Streamlit's own default, used when the configuration does not say.
FALLBACK_MB = 200
#: Bytes in one megabyte of ``server.maxUploadSize``.
BYTES_PER_MB = 1 << 20


def configured_mb(path=None) -> float:
    """``server.maxUploadSize`` from the TOML file ``path`` (default :data:`CONFIG_PATH`);
    :data:`FALLBACK_MB` when the file or the key is absent.

    Raises
    ------
    ValueError
        When the file exists but is not TOML, or the value is not a positive number.
    """
    path = CONFIG_PATH if path is None else path
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except FileNotFoundError:
        return FALLBACK_MB
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path} is not valid TOML: {error}") from error
    value = config.get("server", {}).get("maxUploadSize", FALLBACK_MB)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"server.maxUploadSize in {path} must be a positive number, got {value!r}")
    return value


def limit_bytes(limit_mb: float) -> int:
    """The largest allowed size in bytes for a limit of ``limit_mb`` megabytes."""
    return math.floor(limit_mb * BYTES_PER_MB)


def megabytes(n_bytes: int) -> str:
    """A size for a message: '1.2 MB', '0.013 MB'."""
    return f"{n_bytes / BYTES_PER_MB:.3g} MB"


def too_large(name: str, n_bytes: int, limit_mb: float, hint: str) -> str:
    """The message for a file of ``n_bytes`` above the limit, e.g. for the CLI or the page."""
    return (
        f"{name} is {megabytes(n_bytes)} ({n_bytes:,} bytes), more than the limit of "
        f"{limit_mb:g} MB ({limit_bytes(limit_mb):,} bytes). {hint}"
    )


def check_file_size(path, limit_mb: float | None, hint: str = "") -> int:
    """Size of the file ``path`` in bytes; DataError when above ``limit_mb`` (None: no limit).

    Raises
    ------
    DataError
        The file is larger than the limit; the message names its size and the limit.
    OSError
        The file cannot be found.
    """
    size = os.path.getsize(path)
    if limit_mb is not None and size > limit_bytes(limit_mb):
        raise DataError(too_large(str(path), size, limit_mb, hint).rstrip())
    return size
