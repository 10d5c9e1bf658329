"""Blank templates to fill in: the columns every check reads, with a line of guidance under each."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from zyfw_checks.load import field_specs

KIND_NAMES = {"records": "服务记录", "orgs": "社会组织名单", "certificates": "证明登记", "stations": "站点名单"}
_FIXED_TIME = dt.datetime(2024, 1, 5, 9, 0)  # fixed file metadata: the same template byte for byte


def blank_template(kind: str = "records") -> bytes:
    """An .xlsx whose row 1 holds the canonical headers of ``kind`` and row 2 how to fill each
    (``note`` in params/fields/<kind>.yaml); row 2 is to be deleted before records are entered."""
    specs = field_specs(kind)
    names = list(specs)
    notes = [specs[n].get("note", "") for n in names]
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as xw:
        xw.book.set_properties({"created": _FIXED_TIME})
        pd.DataFrame([notes], columns=names).to_excel(xw, index=False, sheet_name="模板")
        ws = xw.sheets["模板"]
        ws.set_row(1, 60, xw.book.add_format({"text_wrap": True, "font_color": "#666666", "italic": True}))
        ws.set_column(0, len(names) - 1, 16)
        ws.write_comment(1, 0, "第2行是填写说明，填写记录前请删除这一行。")
    return buf.getvalue()
