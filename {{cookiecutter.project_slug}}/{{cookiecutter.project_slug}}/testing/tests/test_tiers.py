"""The fast tier stays free of processes: a test outside `system` that starts the project or a
harness program is refused with the mark to add; `system` tests may start them."""

import subprocess
import sys

import pytest

REFUSED = r"starts a process .*: mark it @pytest\.mark\.system"


def test_a_fast_test_starting_the_project_in_a_process_is_refused_naming_the_mark() -> None:
    with pytest.raises(RuntimeError, match=REFUSED):
        subprocess.run([sys.executable, "-c", "pass"], check=False)


def test_a_fast_test_starting_a_redis_server_is_refused_before_it_runs() -> None:
    # Refused by name, before the binary is looked for: no redis-server is needed to see it.
    with pytest.raises(RuntimeError, match=REFUSED):
        subprocess.run(["/nonexistent/redis-server", "--port", "0"], check=False)


def test_a_fast_test_may_run_other_programs() -> None:
    assert subprocess.run(["true"], check=False).returncode == 0  # noqa: S607


@pytest.mark.system
def test_a_system_test_may_start_the_project_in_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "print('ran')"], capture_output=True, text=True, check=False
    )

    assert result.stdout == "ran\n"
