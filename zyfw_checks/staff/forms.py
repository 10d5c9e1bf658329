"""附件《志愿服务组织信息采集表》：按名单中的一行生成已填好的 .docx（python-docx），打印后签字、盖章。

The layout follows the attachment of 湘民发〔2023〕29号: title, a four-column table
(社会组织名称 | … | 业务主管单位 | … / 联系人 | … | 联系电话 | … / 章程宗旨具体内容 | …),
the declaration verbatim, 法定代表人签字 / 社会组织盖章 / 年 月 日, and the note under the table.
"""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zyfw_checks import masking
from zyfw_checks.load import ROW, LoadError, Table

TITLE = "志愿服务组织信息采集表"
DECLARATION = "本组织愿意标识为志愿服务组织，保证上述内容真实、准确、完整，并承诺按照《志愿服务条例》的规定开展志愿服务活动。"
SIGN = "法定代表人签字:"
SEAL = "社会组织盖章："
DATE = "年    月    日"
NOTE = "注：本表格用于志愿服务组织身份标识工作。"
FIELDS = ("名称", "业务主管单位", "联系人", "联系电话", "章程宗旨")


def _font(run, size: float, bold: bool = False, east: str = "宋体") -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = east
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), east)


def _write(cell, text: str, size: float = 14, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    _font(p.add_run(text), size, bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def row_values(table: Table, row: int, mask: bool = True) -> dict[str, str]:
    """The form's values from the row whose Excel row number is ``row``; LoadError if there is none."""
    df = table.df
    hit = df[df[ROW] == row]
    if hit.empty:
        rows = df[ROW]
        raise LoadError(f"“{table.source}”中没有第 {row} 行数据（数据在第 {int(rows.min())}–{int(rows.max())} 行）。"
                        "--row 用的是 Excel 里显示的行号。")
    r = hit.iloc[0]
    values = {f: ("" if f not in df.columns or pd.isna(r[f]) else str(r[f])) for f in FIELDS}
    pos = df.index.get_loc(hit.index[0])
    if table.original is not None and pos < len(table.original):  # the cell as typed (full-width ，kept)
        raw = table.original.iloc[pos]
        for f in FIELDS:
            header = table.mapping.get(f)
            if values[f] and header in raw.index and isinstance(raw[header], str) and raw[header].strip():
                values[f] = raw[header].strip()
    if mask and values["联系电话"]:
        values["联系电话"] = str(masking.mask_phone(pd.Series([values["联系电话"]])).iloc[0])
    return values


def build_form(values: dict[str, str]) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin = sec.bottom_margin = Cm(3.0)
    sec.left_margin = sec.right_margin = Cm(2.6)
    p = doc.add_paragraph()
    _font(p.add_run("附件"), 16, east="黑体")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(TITLE), 22, bold=True, east="方正小标宋简体")
    t = doc.add_table(rows=4, cols=4)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(3.4), Cm(4.6), Cm(3.4), Cm(4.4))
    for row in t.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w
    _write(t.cell(0, 0), "社会组织名称")
    _write(t.cell(0, 1), values.get("名称", ""), 12)
    _write(t.cell(0, 2), "业务主管单位")
    _write(t.cell(0, 3), values.get("业务主管单位", ""), 12)
    _write(t.cell(1, 0), "联系人")
    _write(t.cell(1, 1), values.get("联系人", ""), 12)
    _write(t.cell(1, 2), "联系电话")
    _write(t.cell(1, 3), values.get("联系电话", ""), 12)
    _write(t.cell(2, 0), "章程宗旨\n具体内容")
    purpose = t.cell(2, 1).merge(t.cell(2, 3))
    _write(purpose, values.get("章程宗旨", ""), 12, align=WD_ALIGN_PARAGRAPH.LEFT)
    decl = t.cell(3, 0).merge(t.cell(3, 3))
    decl.text = ""
    p = decl.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(28)
    _font(p.add_run(DECLARATION), 14)
    for text in ("", SIGN, "", SEAL, "", DATE):
        q = decl.add_paragraph()
        q.paragraph_format.left_indent = Cm(7.5 if text != DATE else 9.5)
        _font(q.add_run(text), 14)
    t.rows[0].height = t.rows[1].height = Cm(1.6)
    t.rows[2].height = Cm(6.0)
    p = doc.add_paragraph()
    _font(p.add_run(NOTE), 12)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_text(data: bytes) -> str:
    """All text of a .docx (paragraphs and table cells), for checks and tests."""
    d = Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for c in row.cells:
                parts.append(c.text)
    return "\n".join(parts)
