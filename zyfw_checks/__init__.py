"""志愿服务规范自查工具包：湘民发〔2023〕29号 的可运行检查。

Layers (one way): load → params / workdays → rules → engine (findings) → report / views.
"""

__version__ = "0.2.0"

_EXPORTS = {
    "check_file": "zyfw_checks.engine",
    "check_table": "zyfw_checks.engine",
    "CheckResult": "zyfw_checks.engine",
    "load_table": "zyfw_checks.load",
    "LoadError": "zyfw_checks.load",
    "REGISTRY": "zyfw_checks.registry",
    "rule": "zyfw_checks.registry",
}


def __getattr__(name):  # lazy, so `import zyfw_checks` stays cheap for the CLI's --help
    import importlib

    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)


__all__ = list(_EXPORTS)
