"""Seeds the platform services of the moto estate: databases, Auto Scaling, load balancers and
certificates, KMS keys, secrets and quotas (scripts/seed_moto.py --platform).

Each module has ``seed(ctx) -> dict``: ``ctx`` is a :class:`Context`; the module seeds its
services healthy for every application of ``ctx.apps`` (or the subset it documents) and, when
``ctx.defects`` is true, one defect per rule it covers on an application of its own, and returns
what it seeded (ids and names per application, ``defects``: rule id -> the resource ARNs the rule
must report) for the summary and the live tests.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Context:
    primary: Any  # seed_moto.Site
    standby: Any  # seed_moto.Site
    apps: list[str]
    defects: bool
    shared_account: bool
    endpoint: str
    # What the base estate seeded per app (seed_moto's summary "apps" entries), by app name.
    base: dict[str, dict] = field(default_factory=dict)
    # Results of the modules run before (module name -> what its seed returned).
    seeded: dict[str, dict] = field(default_factory=dict)
    # The base estate's hosted zone, without the final dot (seed_moto.py --pair-name changes it).
    zone: str = "dr-demo.example.com"


# Module order: keys first (other services encrypt with them), then data, then capacity and
# traffic (which reference instances' templates and the load balancers).
ORDER = ["keys", "rds", "capacity", "traffic"]


def run(ctx: Context) -> dict[str, dict]:
    import importlib

    for name in ORDER:
        mod = importlib.import_module(f"seed_platform.{name}")
        ctx.seeded[name] = mod.seed(ctx)
    return ctx.seeded
