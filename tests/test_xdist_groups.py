"""`make test` keeps each `xdist_group` on one worker.

The backend tests share module fixtures that run worker processes for
minutes, and the notebook and docs tests share built files; pytest-xdist's
`--dist loadgroup` sends a group's tests to one worker by appending
`@<group>` to their node ids. pytest 9.2 with pytest-xdist 3.8 dropped that
suffix silently (the node id no longer reads the attribute xdist sets), so
every worker ran the backend fixtures again: constraints.txt pins a pair
that works, and this test fails if a pair that does not comes back.
"""

import pytest

pytestmark = pytest.mark.xdist_group("backends")


def test_a_grouped_test_carries_its_group(request):
    # A worker's `dist` option is "no"; xdist keeps `loadgroup` for it.
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("runs under pytest-xdist's --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("@backends"), (
        "Expected pytest-xdist's --dist loadgroup to append '@backends' to the "
        f"node id of a test in that group. Received: {request.node.nodeid!r}"
    )


def test_the_pinned_pair_is_inside_the_declared_range():
    """setup.cfg's `dev` extra keeps users off pytest 9.2 too; `make` installs the pins."""
    import configparser
    from pathlib import Path

    from packaging.requirements import Requirement

    root = Path(__file__).parents[1]
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg")
    declared = {
        Requirement(line).name: Requirement(line).specifier
        for line in config["options.extras_require"]["dev"].split("\n")
        if line.strip()
    }
    pins = dict(
        line.split("==")
        for line in (root / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert pins["pytest"] == "9.1.1" and pins["pytest"] in declared["pytest"]
    assert pins["pytest-xdist"] in declared["pytest-xdist"]
    assert "9.2.0" not in declared["pytest"]
