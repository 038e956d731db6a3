"""The returns tests' one way in: the personas at the front door (`front_door.FrontDoor`)."""

from __future__ import annotations

import pytest

from mash.returns.tests.front_door import FrontDoor


@pytest.fixture
def door(carys, sam, priya, meera, polly) -> FrontDoor:
    return FrontDoor(carys, sam, priya, meera, polly)
