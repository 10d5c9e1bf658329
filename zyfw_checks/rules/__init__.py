"""Rule modules; importing this package registers every rule (one module per part of the notice)."""

import importlib

# Modules that may not exist yet in a partial checkout are skipped, never silently half-loaded.
_MODULES = ["records", "system", "data_quality", "activities", "orgs", "certificates", "stations"]

for _name in _MODULES:
    try:
        importlib.import_module(f"zyfw_checks.rules.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"zyfw_checks.rules.{_name}":
            raise
