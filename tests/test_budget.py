import re
import signal
import threading
import time

import pytest

from corpusclean.budget import BudgetExceeded, budget_available, time_budget

pytestmark = pytest.mark.skipif(not budget_available(), reason="needs SIGALRM on the main thread")


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_long_block_is_interrupted() -> None:
    with pytest.raises(BudgetExceeded) as info, time_budget(0.05):
        spin(5)
    assert "0.05" in str(info.value)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_backtracking_regex_is_interrupted() -> None:
    pattern = re.compile(r"(a+)+$")
    with pytest.raises(BudgetExceeded), time_budget(0.05):
        pattern.search("a" * 60 + "!")


def test_a_filter_catching_exception_cannot_swallow_it() -> None:
    caught = []
    with pytest.raises(BudgetExceeded), time_budget(0.05):
        try:
            spin(5)
        except Exception as exc:
            caught.append(exc)
    assert caught == []


def test_a_quick_block_leaves_no_timer_and_the_old_handler() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with time_budget(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == before


def test_nested_budgets_keep_the_outer_one() -> None:
    with pytest.raises(BudgetExceeded), time_budget(0.3):
        with time_budget(5):  # cannot outlast the outer budget
            spin(0.05)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < left < 0.3  # the outer timer was re-armed with what is left
        spin(5)


def test_no_budget_means_no_timer() -> None:
    for off in (None, 0, -1):
        with time_budget(off):
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_other_threads_run_without_a_limit() -> None:
    out: list[object] = []

    def work() -> None:
        out.append(budget_available())
        with time_budget(0.01):
            spin(0.05)
        out.append("finished")

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert out == [False, "finished"]


def test_someone_elses_alarm_handler_is_left_alone() -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    old = signal.signal(signal.SIGALRM, mine)
    try:
        assert not budget_available()
        with time_budget(0.01):
            spin(0.03)
        assert signal.getsignal(signal.SIGALRM) is mine
    finally:
        signal.signal(signal.SIGALRM, old)


def test_blocks_ending_right_at_the_deadline_leave_everything_clean() -> None:
    from corpusclean import budget

    before = signal.getsignal(signal.SIGALRM)
    fired = 0
    for i in range(300):
        try:
            with time_budget(0.001):
                spin(0.0005 + (i % 20) * 0.0001)  # from well before to well after the deadline
        except BudgetExceeded:
            fired += 1
    assert 0 < fired < 300
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert budget._state.stack == []
