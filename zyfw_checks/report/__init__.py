"""Views of a CheckResult: terminal table, JSON, JSON Lines, Parquet, Excel workbook, printable HTML.

Every writer takes a :class:`zyfw_checks.engine.CheckResult`; none re-implements a rule. One
writer per format, shared by the single-file and the folder check; every finding has the shape of
``finding.schema.json`` (:mod:`zyfw_checks.report.schema`) and every output names the kit, schema
and parameter versions that produced it.
"""

FORMATS = {
    "table": "zyfw_checks.report.text",
    "json": "zyfw_checks.report.jsonout",
    "xlsx": "zyfw_checks.report.excel",
    "html": "zyfw_checks.report.html",
    "jsonl": "zyfw_checks.report.jsonl",
    "parquet": "zyfw_checks.report.parquet",
}
STREAMED = ("jsonl", "parquet", "json")  # written straight to a file (or stdout) in chunks, for results of any size
FILE_ONLY = ("xlsx", "parquet")  # binary: saved to a file, never printed


def writer(fmt: str):
    """The module for a format; each has ``render(result, **opts) -> str | bytes``, and the
    streamed ones ``write(result, path_or_binary_file) -> int``."""
    import importlib

    return importlib.import_module(FORMATS[fmt])
