"""Voilà apps: widgets built from the registry and the findings (the notebooks only display them)."""

from zyfw_checks.app.self_check import SelfCheckApp, build_app, display_app, load_with_mapping

__all__ = ["SelfCheckApp", "build_app", "display_app", "load_with_mapping"]
