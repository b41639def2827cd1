"""Where trainings run: the local pool by default, Ray actors when NEUROCANVAS_RAY_ADDRESS is set."""
from __future__ import annotations

import os


def make_backend():
    address = os.environ.get("NEUROCANVAS_RAY_ADDRESS")
    if address:
        from .ray_backend import RayBackend
        return RayBackend(address)
    from .pool import LocalPool
    return LocalPool()
