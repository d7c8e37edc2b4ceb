"""yieldmodel.upload_limit: the app's upload limit read from .streamlit/config.toml."""

import re

import pytest

from yieldmodel import upload_limit
from yieldmodel.messages import DataError
from yieldmodel.upload_limit import (
    BYTES_PER_MB,
    check_file_size,
    configured_mb,
    limit_bytes,
    too_large,
)


def test_the_apps_config_is_read():
    text = upload_limit.CONFIG_PATH.read_text(encoding="utf-8")
    server = text.split("[server]")[1].split("\n[")[0]
    expected = int(re.search(r"^maxUploadSize\s*=\s*(\d+)", server, re.M).group(1))
    assert configured_mb() == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, 200),  # no file
        ("[server]\nheadless = true\n", 200),  # no key
        ("[browser]\nmaxUploadSize = 5\n", 200),  # the key in another table
        ("[server]\nmaxUploadSize = 5\n", 5),
        ("[server]\nmaxUploadSize = 0.5\n", 0.5),
    ],
)
def test_fallback_and_other_values(tmp_path, content, expected):
    path = tmp_path / "config.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert configured_mb(path) == expected


@pytest.mark.parametrize("value", ["0", "-3", '"big"', "true"])
def test_a_value_that_is_no_size_is_refused(tmp_path, value):
    path = tmp_path / "config.toml"
    path.write_text(f"[server]\nmaxUploadSize = {value}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maxUploadSize"):
        configured_mb(path)
    path.write_text("[server\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        configured_mb(path)


def test_a_megabyte_is_counted_as_streamlit_counts_it(tmp_path):
    assert BYTES_PER_MB == 1024 * 1024
    assert limit_bytes(200) == 209_715_200 and limit_bytes(0.5) == 524_288
    path = tmp_path / "data.csv"
    path.write_bytes(b"x" * 1024)
    assert check_file_size(path, 1024 / BYTES_PER_MB) == 1024  # exactly at the limit
    assert check_file_size(path, None) == 1024
    with pytest.raises(DataError) as info:
        check_file_size(path, 1023 / BYTES_PER_MB, "Raise it.")
    message = str(info.value)
    assert str(path) in message and "(1,024 bytes)" in message
    assert "more than the limit of 0.000975609 MB (1,023 bytes). Raise it." in message


def test_message_names_size_and_limit():
    text = too_large("big.csv", 3 * BYTES_PER_MB, 2, "Split it.")
    assert text == (
        "big.csv is 3 MB (3,145,728 bytes), more than the limit of 2 MB (2,097,152 bytes). "
        "Split it."
    )
