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
