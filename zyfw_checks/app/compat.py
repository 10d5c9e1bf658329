"""Startup check: the private attributes of jupyter_server and Voilà that ``serve.py`` relies on.

The reaper that ends a closed page's kernel (the deletion promise) reads ``_kernel_connections`` of
jupyter_server's kernel manager and ``notebook_data`` / ``get_rendered_notebook`` of Voilà's pooling
kernel manager. None of them is public API: pyproject bounds both packages to the series the kit was
tested with, and this check refuses to start, naming the attribute, when an installed version lacks
one, instead of a reaper that silently never ends a kernel.
"""

from __future__ import annotations

from zyfw_checks.errors import KitError

# (package, where, attribute) — "where" is what the message names.
PRIVATE_APIS = (
    ("jupyter_server", "MappingKernelManager", "_kernel_connections"),
    ("voila", "VoilaKernelManager", "notebook_data"),
    ("voila", "VoilaKernelManager", "get_rendered_notebook"),
)


class AppCompatError(KitError):
    """An installed jupyter_server or Voilà lacks an attribute the app's server relies on."""


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package.replace("_", "-"))
    except PackageNotFoundError:
        return "未安装"


def _classes() -> dict[str, type]:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager, MappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    pooled = voila_kernel_manager_factory(AsyncMappingKernelManager, preheat_kernel=True, default_pool_size=1)
    return {"MappingKernelManager": MappingKernelManager, "VoilaKernelManager": pooled}


def missing_private_apis(kernel_manager=None) -> list[tuple[str, str, str]]:
    """The (package, class, attribute) that are absent. With the server's ``kernel_manager`` instance, the
    instance is looked at (``notebook_data`` is set in ``__init__``); without it, the classes."""
    if kernel_manager is not None:
        return [api for api in PRIVATE_APIS if not hasattr(kernel_manager, api[2])]
    import inspect

    classes = _classes()
    missing = []
    for api in PRIVATE_APIS:
        cls = classes[api[1]]
        if hasattr(cls, api[2]):
            continue
        try:  # an instance attribute: assigned in the class's own __init__
            source = inspect.getsource(cls.__init__)
        except (OSError, TypeError):
            source = ""
        if f"self.{api[2]}" not in source:
            missing.append(api)
    return missing


def message(missing: list[tuple[str, str, str]]) -> str:
    names = "；".join(f"{pkg} {_version(pkg)} 的 {where}.{attr}" for pkg, where, attr in missing)
    return (
        f"自查应用无法启动：已安装的软件缺少应用依赖的内部属性（{names}）。没有它，页面关闭后"
        "上传的数据不能按承诺及时删除，所以应用不启动。请安装本工具包经过测试的版本："
        "pip install 'zyfw_checks[app]'（pyproject.toml 中写明了 voila 与 jupyter_server 的版本范围）。"
    )


def check_private_apis(kernel_manager=None) -> None:
    """Raise :class:`AppCompatError` with a Chinese message naming every missing attribute."""
    missing = missing_private_apis(kernel_manager)
    if missing:
        raise AppCompatError(message(missing))
