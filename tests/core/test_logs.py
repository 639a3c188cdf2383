"""parity/core/logs.py: the one stderr logging setup of ``parity`` and its crawl child."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from parity.core.logs import log_to_stderr


@pytest.fixture()
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet_level = logging.getLogger("chatty.library").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("chatty.library").setLevel(quiet_level)


def test_one_handler_on_stderr_in_one_format(restored_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger().addHandler(logging.StreamHandler())  # e.g. Scrapy's: replaced, not kept beside ours
    log_to_stderr(logging.INFO, quiet=["chatty.library"])
    log_to_stderr(logging.INFO, quiet=["chatty.library"])  # called again (crawler/run.py does): still one
    logging.getLogger("parity.test").info("hello")
    logging.getLogger("parity.test").debug("not at INFO")
    logging.getLogger("chatty.library").info("quiet below WARNING")
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].endswith(" parity.test INFO: hello")
    assert len(logging.getLogger().handlers) == 1
