"""The one table of rules: importing this package registers every rule module, explicitly.

Like a linter's code table, this is where a new rule module is added; ``all_rules`` and
``rules_for`` are the only way views and the engine reach the rules.
"""

from zyfw_checks.registry import REGISTRY, Rule
from zyfw_checks.rules import (  # noqa: F401  (importing registers the rules)
    activities,
    certificates,
    data_quality,
    orgs,
    records,
    remuneration,
    stations,
    system,
)


def all_rules() -> list[Rule]:
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def rules_for(table: str) -> list[Rule]:
    return [r for r in all_rules() if r.table == table]


def get_rule(code: str) -> Rule:
    return REGISTRY[code]
