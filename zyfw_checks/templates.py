"""Blank templates to fill in: the columns every check reads; how to fill each on a sheet of its own.

ID-like columns (证件号码, 联系电话, 记录编号, 志愿者编号 …) are text-formatted so that Excel keeps an 18-digit ID
as typed (not 4.30104E+17); columns with a fixed set of usual values get a drop-down list (a hint: other
values may be typed). Both come from params/fields/<kind>.yaml (``format``, ``choices``, ``choices_from``).
"""

from __future__ import annotations

import datetime as dt
import io

from zyfw_checks.load import NOTES_SHEET, field_specs
from zyfw_checks.params import load_params

KIND_NAMES = {"records": "服务记录", "orgs": "社会组织名单", "certificates": "证明登记", "stations": "站点名单"}
SHEET, NOTES = "模板", NOTES_SHEET
TEXT_TYPES = {"id", "phone"}
_FIXED_TIME = dt.datetime(2024, 1, 5, 9, 0)  # fixed file metadata: the same template byte for byte


def text_columns(kind: str = "records") -> list[str]:
    """Fields the template formats as text: IDs, phones and codes (``format: text``)."""
    return [n for n, s in field_specs(kind).items() if s.get("type") in TEXT_TYPES or s.get("format") == "text"]


def choices(spec: dict) -> list[str]:
    """The drop-down values of a field: its own ``choices`` or those of another parameter file."""
    if spec.get("choices"):
        return [str(v) for v in spec["choices"]]
    source = spec.get("choices_from")
    if source == "platforms":
        return list(load_params("platforms")["platforms"])
    if source == "record_methods":
        return list(dict.fromkeys(c["kind"] for c in load_params("record_methods")["classes"]))
    return []


def blank_template(kind: str = "records") -> bytes:
    """An .xlsx whose sheet 模板 holds the canonical headers of ``kind`` in row 1 (records from row 2), and
    whose sheet 填写说明 says how to fill each column (``note`` in params/fields/<kind>.yaml)."""
    import xlsxwriter

    specs = field_specs(kind)
    names = list(specs)
    texts = set(text_columns(kind))
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": _FIXED_TIME})
    head = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    text = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(SHEET)
    ws.freeze_panes(1, 0)
    for col, name in enumerate(names):
        ws.write_string(0, col, name, head)
        ws.set_column(col, col, 20 if name in texts else 16, text if name in texts else None)
        values = choices(specs[name])
        if values:
            ws.data_validation(1, col, 1_048_575, col, {
                "validate": "list", "source": values, "error_type": "information", "show_error": False,
                "input_title": name[:32], "input_message": ("可选：" + "、".join(values))[:255],
            })
        if specs[name].get("note"):
            ws.write_comment(0, col, specs[name]["note"], {"x_scale": 2})
    notes = wb.add_worksheet(NOTES)
    notes.write_row(0, 0, ["列名", "填写说明", "可选值", "单元格格式"], head)
    for row, name in enumerate(names, start=1):
        notes.write_row(row, 0, [name, specs[name].get("note", ""), "、".join(choices(specs[name])),
                                 "文本（请勿改成数字）" if name in texts else ""])
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 60)
    notes.set_column(2, 3, 30)
    wb.close()
    return buf.getvalue()
