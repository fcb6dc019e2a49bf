"""Progress in log mode: a line every ``every`` seconds, and a last one when the run ends."""

from __future__ import annotations

import io

from corpusclean.progress import Progress


def test_closing_logs_where_the_run_ended_when_the_last_line_is_out_of_date() -> None:
    out = io.StringIO()
    meter = Progress("log", every=3600, stream=out)
    meter.start(total=2 * 1024 * 1024, files=1)
    meter.update(1024 * 1024)  # within the interval: nothing logged yet
    meter.update(2 * 1024 * 1024)
    assert out.getvalue() == ""
    meter.close()
    assert out.getvalue().splitlines()[-1].startswith("corpusclean: 2.0 of 2.0 MB (100%)")


def test_closing_adds_nothing_when_the_last_line_is_current() -> None:
    out = io.StringIO()
    meter = Progress("log", every=0, stream=out)
    meter.start(total=1024 * 1024, files=1)
    meter.update(1024 * 1024)
    meter.close()
    assert len(out.getvalue().splitlines()) == 1
