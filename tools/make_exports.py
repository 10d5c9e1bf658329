"""Write the export corpus ``data/samples/exports/``: files shaped like what organisations really have.

Each file imitates one real shape (an export of 中国志愿服务网 / 志愿汇 / 湖南志愿服务网, a web system's
".xls" that is really HTML, XML Spreadsheet 2003 or UTF-16 text, a school team's and a community
station's hand-kept 台账, a ``sep=;`` CSV, a per-person summary, a roster). Problems are planted at
known Excel rows; ``expected.csv`` lists them (file, row, rule, severity) and ``manifest.yaml`` says,
per file, what else must hold: columns not assessed, rows set aside, units, or the refusal.

The column names are inferred from the platforms' published descriptions (see the comments at the
top of zyfw_checks/params/fields/records.yaml); no real export was copied. Names and ID numbers are
made up (ID check digits computed, so only the planted ones are invalid).

    python tools/make_exports.py            # writes data/samples/exports/
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pandas as pd
import xlsxwriter
import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "samples" / "exports"
FIXED = dt.datetime(2024, 6, 1, 9, 0, 0)
_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def rid(seventeen: str) -> str:
    """A resident ID with its correct check digit (GB 11643)."""
    return seventeen + "10X98765432"[sum(int(c) * w for c, w in zip(seventeen, _W, strict=True)) % 11]


def ids(n: int, area: str = "430102", year: int = 1990) -> list[str]:
    return [rid(f"{area}{year + i % 20}0{1 + i % 9}1{i % 10}{100 + i:03d}") for i in range(n)]


def _workbook(path: Path) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd hh:mm"})
    wb.set_properties({"created": FIXED})
    return wb


# ---------------------------------------------------------------- 1. national system, HTML saved as .xls


def national_html(path: Path) -> dict:
    vid = ids(5, "430103")
    rows = [
        # 编号, 姓名, 项目名称, 岗位, 起, 止, 时长, 记录时间, 审核状态
        ("ZY20240001", "周一凡", "社区敬老院陪伴老人", "陪伴聊天", "2024-03-04", "2024-03-08", "6", "2024-03-15 10:00", "审核通过"),
        ("ZY20240002", "吴佳宁", "社区敬老院陪伴老人", "读报", "2024-03-04", "2024-03-08", "4", "2024-03-22 16:00", "审核通过"),
        ("ZY20240003", "郑浩然", "图书馆整理图书", "图书上架", "2024-03-04", "2024-03-08", "3", "2024-03-26 09:00", "审核通过"),
        ("ZY20240004", "王思远", "图书馆整理图书", "图书上架", "2024-03-04", "2024-03-08", "3", "2024-04-30 09:00", "已驳回"),
        ("ZY20240005", "冯雨桐", "社区环境清洁", "清扫", "2024-03-11", "2024-03-11", "2", "2024-03-12 18:00", "审核通过"),
    ]
    masked = [v[:3] + "*" * 11 + v[-4:] for v in vid]
    head = ["序号", "志愿者统一编号", "姓名", "证件号码", "项目名称", "岗位", "项目起始时间", "项目终止时间",
            "服务时长（小时）", "时长记录时间", "审核状态", "志愿团体"]
    html = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>',
            '<table border="1">', f'<tr><td colspan="{len(head)}">志愿服务时长明细（导出）</td></tr>',
            "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for i, (code, name, proj, post, s, e, h, rec, st) in enumerate(rows, start=1):
        cells = [str(i), code, name, masked[i - 1], proj, post, s, e, h, rec, st, "长沙市芙蓉区阳光志愿者协会"]
        html.append("<tr>" + "".join(f'<td style="mso-number-format:\'\\@\'">{c}</td>' for c in cells) + "</tr>")
    html.append("</table></body></html>")
    path.write_text("\n".join(html), encoding="utf-8")
    return {
        "shape": "中国志愿服务网风格的时长明细，网页表格（HTML）存成 .xls；项目起止只有日期；证件号码已打码；有审核状态",
        "findings": [(5, "REC002", "违规")],
        "partial": {"REC001": "MISSING_FIELD", "DAT001": "MASKED_VALUES"},
        "skipped": {"NOT_APPROVED": 1},
        "header_row": 2,
    }


# ---------------------------------------------------------------- 2. 志愿汇-like CSV, minutes, 荣誉时长


def zhiyuanhui_csv(path: Path) -> dict:
    vid = ids(5, "430104", 1995)
    head = ["活动名称", "组织名称", "姓名", "证件号码", "手机号", "签到时间", "签退时间", "服务时长(分钟)", "时长类型",
            "时长录入时间", "服务评价"]
    org = "长沙市岳麓区青禾志愿服务队"
    rows = [
        ("社区垃圾分类宣传", "陈晓", vid[0], "2024-03-09 09:00", "2024-03-09 11:30", "150", "信用时长", "2024-03-09 11:31"),
        ("社区垃圾分类宣传", "刘洋", vid[1], "2024-03-09 14:00", "2024-03-09 16:00", "120", "信用时长", "2024-03-09 16:01"),
        ("关爱留守儿童课业辅导", "黄蕾", vid[2], "2024-03-10 09:00", "2024-03-10 11:00", "300", "信用时长", "2024-03-10 11:01"),
        ("关爱留守儿童课业辅导", "赵敏", vid[3], "2024-03-02 09:00", "2024-03-02 11:00", "120", "荣誉时长", "2024-04-10 15:00"),
        ("交通路口文明引导", "孙立", vid[4], "2024-03-16 08:30", "2024-03-16 10:00", "1:30", "信用时长", "2024-03-16 10:05"),
    ]
    lines = [",".join(head)]
    for i, (act, name, pid, s, e, mins, kind, rec) in enumerate(rows):
        lines.append(",".join([act, org, name, "'" + pid, f"1380731{i:04d}", s, e, mins, kind, rec, "合格"]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return {
        "shape": "志愿汇风格的签到签退明细（CSV）：时长按分钟，另有荣誉时长（补录）与“1:30”写法；证件号码前有英文单引号",
        "findings": [(4, "REC004", "违规"), (5, "REC002", "违规")],
        "units": {"服务时长(小时)": "分钟"},
        "header_row": 1,
    }


# ---------------------------------------------------------------- 3. XML Spreadsheet 2003 saved as .xls


def _xml_cell(v) -> str:
    if v is None:
        return "<Cell/>"
    if isinstance(v, dt.datetime):
        return f'<Cell ss:StyleID="d"><Data ss:Type="DateTime">{v:%Y-%m-%dT%H:%M:%S}.000</Data></Cell>'
    if isinstance(v, (int, float)):
        return f'<Cell><Data ss:Type="Number">{v}</Data></Cell>'
    return f'<Cell><Data ss:Type="String">{v}</Data></Cell>'


def _xml_sheet(name: str, rows: list[list], hidden: bool = False) -> str:
    body = "".join("<Row>" + "".join(_xml_cell(v) for v in r) + "</Row>" for r in rows)
    opts = ('<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>'
            "</WorksheetOptions>") if hidden else ""
    return f'<Worksheet ss:Name="{name}"><Table>{body}</Table>{opts}</Worksheet>'


def hunan_xml(path: Path) -> dict:
    vid = ids(5, "430105", 1988)
    bad = vid[1][:17] + ("0" if vid[1][17] != "0" else "1")  # wrong check digit
    d = dt.datetime
    head = ["志愿者编号", "姓名", "身份证号", "活动名称", "服务开始时间", "服务结束时间", "志愿时长", "服务评价", "记录单位",
            "记录日期", "记录方式", "记录平台"]
    org = "长沙市开福区星火志愿者协会"
    rows = [
        ["HN001", "李静", vid[0], "社区敬老院陪伴老人", d(2024, 3, 12, 9), d(2024, 3, 12, 11), 2, "优秀", org,
         d(2024, 3, 13, 10), "系统", "湖南志愿服务网"],
        ["HN002", "张博", bad, "社区敬老院陪伴老人", d(2024, 3, 12, 9), d(2024, 3, 12, 11), 2, "良好", org,
         d(2024, 3, 13, 10), "系统", "湖南志愿服务网"],
        ["HN003", "何琳", vid[2], "图书馆整理图书", d(2024, 3, 14, 14), d(2024, 3, 14, 17), 3, None, org,
         d(2024, 3, 15, 10), "系统", "湖南志愿服务网"],
        ["HN004", "邓凯", vid[3], "图书馆整理图书", d(2024, 3, 14, 14), d(2024, 3, 14, 17), 3, "合格", org,
         d(2024, 3, 15, 10), "系统", "某区志愿者管理系统"],
        ["HN005", "罗倩", vid[4], "社区环境清洁", d(2024, 3, 16, 8), d(2024, 3, 16, 10), 2, "优秀", org,
         d(2024, 3, 18, 10), "手工录入", "湖南志愿服务网"],
    ]
    old = [head, ["HN009", "旧数据", vid[0], "旧活动", d(2023, 1, 5, 9), d(2023, 1, 5, 10), 9, "优秀", org,
                  d(2023, 1, 6, 9), "系统", "湖南志愿服务网"]]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Styles><Style ss:ID="d"><NumberFormat ss:Format="yyyy-mm-dd hh:mm"/></Style></Styles>'
        + _xml_sheet("志愿服务记录", [head, *rows]) + _xml_sheet("旧表", old, hidden=True) + "</Workbook>"
    )
    path.write_text(xml, encoding="utf-8")
    return {
        "shape": "湖南志愿服务网风格的记录，XML 电子表格（Excel 2003）存成 .xls，带一张隐藏的旧表（不应被检查）",
        "findings": [(3, "DAT001", "违规"), (4, "REC001", "存疑"), (5, "SYS001", "存疑")],
        "header_row": 1,
    }


# ---------------------------------------------------------------- 4. UTF-16 tab text saved as .xls


def utf16_tab(path: Path) -> dict:
    vid = ids(5, "430111", 1992)
    head = ["姓名", "证件号码", "活动名称", "开始时间", "结束时间", "时长", "记录时间", "服务评价", "组织单位"]
    org = "长沙市雨花区暖阳志愿服务队"
    rows = [
        ["彭宇", vid[0], "社区敬老院陪伴老人", "2024/3/19 9:00", "2024/3/19 11:00", "2", "2024/3/20 9:00", "优秀", org],
        ["曾琪", vid[1], "社区敬老院陪伴老人", "2024/3/19 11:00", "2024/3/19 9:00", "2", "2024/3/20 9:00", "良好", org],
        ["谢航", vid[2], "图书馆整理图书", "2024/3/21 14:00", "2024/3/21 16:00", "2", "2024/3/22 9:00", "合格", org],
        ["谢航", vid[2], "图书馆整理图书", "2024/3/21 14:00", "2024/3/21 16:00", "2", "2024/3/22 9:00", "合格", org],
        ["唐悦", vid[4], "社区环境清洁", "2024/3/23 8:00", "2024/3/23 9:30", "1.5", "2024/3/25 9:00", "优秀", org],
    ]
    text = "\r\n".join("\t".join(r) for r in [head, *rows]) + "\r\n"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    return {
        "shape": "网上系统“导出Excel”得到的 UTF-16 制表符文本，扩展名 .xls",
        "findings": [(3, "REC004", "违规"), (5, "DAT002", "违规")],
        "header_row": 1,
    }


# ---------------------------------------------------------------- 5. a school team's record book


def school_ledger(path: Path) -> dict:
    vid = ids(5, "430121", 2006)
    wb = _workbook(path)
    ws = wb.add_worksheet("台账")
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    day = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    tm = wb.add_format({"num_format": "hh:mm", "border": 1})
    dur = wb.add_format({"num_format": "[h]:mm", "border": 1})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "border": 1})
    ws.merge_range(0, 0, 0, 12, "长沙市第一中学青年志愿者服务队志愿服务记录台账（2024年春季学期）", bold)
    for col, h in enumerate(["序号", "姓名", "身份证号", "活动名称"]):
        ws.merge_range(1, col, 2, col, h, bold)
    ws.merge_range(1, 4, 1, 6, "服务时间", bold)
    for col, h in zip((4, 5, 6), ("日期", "开始", "结束"), strict=True):
        ws.write(2, col, h, bold)
    for col, h in zip(range(7, 13), ("服务时长", "服务评价", "记录方式", "录入系统时间", "记录日期", "组织单位"), strict=True):
        ws.merge_range(1, col, 2, col, h, bold)
    org = "长沙市第一中学青年志愿者服务队"
    t = dt.time
    rows = [  # 姓名, 证件, 活动, 日期, 开始, 结束, 时长(h), 评价, 方式, 录入系统, 记录日期
        ("龙语嫣", vid[0], "社区敬老院陪伴老人", dt.date(2024, 3, 9), t(9), t(11), 2, "优秀", "纸质",
         dt.datetime(2024, 3, 12, 16), dt.date(2024, 3, 9)),
        ("易子墨", vid[1], "社区敬老院陪伴老人", dt.date(2024, 3, 9), t(9), t(11), 2, "良好", "纸质", None,
         dt.date(2024, 3, 9)),
        ("贺嘉怡", vid[2], "图书馆整理图书", dt.date(2024, 3, 16), t(14), t(16), 2, "合格", "手工录入", None,
         dt.date(2024, 3, 18)),
        ("段奕辰", vid[3], "图书馆整理图书", dt.date(2024, 3, 16), t(14), t(16), 3, "合格", "纸质",
         dt.datetime(2024, 3, 19, 9), dt.date(2024, 3, 16)),
        ("蒋沐阳", vid[4], "社区环境清洁", dt.date(2024, 3, 23), t(8, 30), t(10), 1.5, "优秀", "纸质",
         dt.datetime(2024, 3, 25, 9), dt.date(2024, 3, 23)),
    ]
    for i, (name, pid, act, d, s, e, hours, ev, how, entered, rec) in enumerate(rows):
        r = 3 + i
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, name)
        ws.write_string(r, 2, pid)
        ws.write_string(r, 3, act)
        ws.write_datetime(r, 4, dt.datetime.combine(d, t(0)), day)
        ws.write_datetime(r, 5, s, tm)
        ws.write_datetime(r, 6, e, tm)
        ws.write_number(r, 7, hours / 24, dur)  # [h]:mm: Excel keeps durations as fractions of a day
        ws.write_string(r, 8, ev)
        ws.write_string(r, 9, how)
        if entered:
            ws.write_datetime(r, 10, entered, stamp)
        ws.write_datetime(r, 11, dt.datetime.combine(rec, t(0)), day)
        ws.write_string(r, 12, org)
    total_row = 3 + len(rows)
    ws.write_string(total_row, 0, "合计")
    ws.write_number(total_row, 7, sum(r[6] for r in rows) / 24, dur)
    ws.write_string(total_row + 2, 0, "制表人：王老师")
    ws.write_string(total_row + 2, 5, "审核人：李老师")
    wb.close()
    return {
        "shape": "学校志愿服务队手工台账：标题行，两行合并表头（服务时间 → 日期/开始/结束），时长是 [h]:mm 单元格，合计行与制表人签字行",
        # a paper record with no entry time in a book without a 记录平台 column: the data cannot show it is not
        # in a system (REC003 is 违规 only where the record says so, or entry time and platform are both blank)
        "findings": [(5, "REC003", "存疑"), (7, "REC004", "违规")],
        "skipped": {"TOTAL_ROW": 1, "FOOTER_ROW": 1, "BLANK_ROW": 1},
        "header_row": 3,
    }


# ---------------------------------------------------------------- 6. a community station's record book


def community_ledger(path: Path) -> dict:
    vid = ids(5, "430181", 1960)
    wb = _workbook(path)
    ws = wb.add_worksheet("台账")
    head = ["姓名", "证件号码", "服务时间", "服务内容", "时长（小时）", "评价", "登记时间", "记录单位"]
    org = "浏阳市集里街道神仙坳社区志愿服务站"
    rows = [
        ["任桂兰", "'" + vid[0], "2024-03-09 8:30-11:30", "为独居老人打扫卫生", 3, "优秀", "2024-03-11", org],
        ["钟建国", "'" + vid[1], "2024年3月10日 14:00—16:00", "社区图书角整理", 2, "良好", "2024-03-12", org],
        ["谭秀英", "'" + vid[2], "2024-03-08 9:00-11:00", "为独居老人打扫卫生", 2, "优秀", "2024-03-25", org],
        ["小计", None, None, None, 7, None, None, None],
        ["黎志强", "'" + vid[4], "2024-03-16 9:00-10:30", "社区图书角整理", 1.5, "合格", "2024-03-18", org],
    ]
    for c, h in enumerate(head):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            ws.write(r, c, v)
    hidden = wb.add_worksheet("旧台账")
    hidden.hide()
    for c, h in enumerate(["姓名", "证件号码", "开始时间", "结束时间", "服务时长", "服务内容"]):
        hidden.write_string(0, c, h)
    for c, v in enumerate(["旧数据", vid[0], "2023-01-05 09:00", "2023-01-05 10:00", 9, "旧活动"]):
        hidden.write(1, c, v)
    wb.close()
    return {
        "shape": "社区志愿服务站台账：一列写“日期 + 时段”（8:30-11:30），证件号码前有英文单引号，小计行，一张隐藏的旧台账",
        "findings": [(4, "REC002", "违规")],
        "skipped": {"TOTAL_ROW": 1},
        "header_row": 1,
    }


# ---------------------------------------------------------------- 7. sep=; GBK CSV with a duplicated column


def semicolon_csv(path: Path) -> dict:
    vid = ids(4, "430211", 1985)
    head = ["姓名", "证件号码", "联系电话", "活动名称", "开始时间", "结束时间", "服务时长", "服务评价", "组织单位", "记录时间",
            "联系电话"]
    org = "株洲市荷塘区红枫志愿者协会"
    rows = [
        ["陶然", vid[0], "13907330001", "社区敬老院陪伴老人", "2024-03-09 09:00", "2024-03-09 11:00", "2", "优秀", org,
         "2024-03-10 09:00", "0731-22220001"],
        ["邹颖", vid[1][:16], "13907330002", "社区敬老院陪伴老人", "2024-03-09 09:00", "2024-03-09 11:00", "2", "优秀", org,
         "2024-03-10 09:00", "0731-22220002"],
        ["", vid[2], "13907330003", "图书馆整理图书", "2024-03-10 14:00", "2024-03-10 16:00", "2", "合格", org,
         "2024-03-11 09:00", "0731-22220003"],
        ["严峰", vid[3], "13907330004", "社区环境清洁", "2024-03-16 08:00", "2024-03-16 10:00", "2", "良好", org,
         "2024-03-18 09:00", "0731-22220004"],
    ]
    text = "sep=;\r\n" + "\r\n".join(";".join(r) for r in [head, *rows]) + "\r\n"
    path.write_bytes(text.encode("gbk"))
    return {
        "shape": "Excel 在某些地区设置下保存的 CSV：第一行 sep=;，分号分隔，GBK 编码，两列都叫“联系电话”",
        "findings": [(3, "DAT001", "违规"), (4, "REC001", "违规")],
        "header_row": 1,
    }


# ---------------------------------------------------------------- 8. summary sheet beside the detail sheet


def two_sheets(path: Path) -> dict:
    vid = ids(3, "430502", 1999)
    wb = _workbook(path)
    summ = wb.add_worksheet("时长汇总")
    summ.write_row(0, 0, ["志愿者编号", "姓名", "信用时长", "荣誉时长", "总时长"])
    for r, (code, name) in enumerate([("V1", "石磊"), ("V2", "韦娜"), ("V3", "毛晨")], start=1):
        summ.write_row(r, 0, [code, name, 2, 0, 2])
    det = wb.add_worksheet("服务明细")
    det.write_row(0, 0, ["志愿者编号", "姓名", "证件号码", "活动名称", "签到时间", "签退时间", "信用时长", "记录时间",
                         "服务评价", "组织名称"])
    org = "邵阳市大祥区晨光志愿服务队"
    rows = [("V1", "石磊", vid[0], "社区环境清洁", "2024-03-23 08:00", "2024-03-23 10:00", 2, "2024-03-23 10:01", "优秀", org),
            ("V2", "韦娜", vid[1], "社区环境清洁", "2024-03-23 08:00", "2024-03-23 10:00", 2, "2024-03-23 10:01", "良好", ""),
            ("V3", "毛晨", vid[2], "图书馆整理图书", "2024-03-24 14:00", "2024-03-24 16:00", 2, "2024-03-24 16:01", "合格", org)]
    for r, row in enumerate(rows, start=1):
        det.write_row(r, 0, list(row))
    wb.close()
    return {
        "shape": "志愿汇风格的两张表：前面一张按人汇总的“时长汇总”（不应被当作记录），后面一张“服务明细”",
        "findings": [(3, "REC001", "违规")],
        "header_row": 1,
    }


# ---------------------------------------------------------------- 9–10. the wrong files


def summary_by_person(path: Path) -> dict:
    vid = ids(3, "430302", 1990)
    frame = pd.DataFrame({"序号": [1, 2, 3], "姓名": ["甲一", "乙二", "丙三"], "证件号码": vid,
                          "信用时长": [12.5, 3, 40], "荣誉时长": [2, 0, 6], "总时长": [14.5, 3, 46]})
    wb = _workbook(path)
    ws = wb.add_worksheet("志愿者时长统计")
    ws.write_row(0, 0, list(frame.columns))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        ws.write_row(r, 0, list(row))
    wb.close()
    return {"shape": "按志愿者汇总的时长统计表（信用时长/荣誉时长/总时长），不是服务记录", "error": "SUMMARY_FILE"}


def roster(path: Path) -> dict:
    vid = ids(3, "430402", 1990)
    wb = _workbook(path)
    ws = wb.add_worksheet("志愿者名单")
    ws.write_row(0, 0, ["姓名", "性别", "证件号码", "联系电话", "政治面貌", "注册时间"])
    for r, (n, pid) in enumerate(zip(["甲一", "乙二", "丙三"], vid, strict=True), start=1):
        ws.write_row(r, 0, [n, "女", pid, f"1390731000{r}", "群众", "2023-05-01"])
    wb.close()
    return {"shape": "志愿者名单（花名册），没有服务记录", "error": "SUMMARY_FILE"}


# ---------------------------------------------------------------- 11. 全国志愿服务信息系统 2.0 time-entry export


def national_v2(path: Path) -> dict:
    """Column names of the 2.0 admin front end (github.com/zql1228/nvsi-antdv-vue3, see records.yaml):
    录入时长 'x小时', 录入日期, 所属项目, 所属队伍, 服务时间 'start~HH:mm:ss', 录入状态; IDs masked 6+3."""
    vid = ids(6, "430124", 1993)
    masked = [v[:6] + "*" * 9 + v[-3:] for v in vid]
    wb = _workbook(path)
    ws = wb.add_worksheet("时长记录")
    head = ["序号", "志愿者姓名", "证件号码", "所属项目", "项目岗位", "所属队伍", "服务时间", "录入时长", "录入方式",
            "录入日期", "录入状态", "项目时间"]
    team = "宁乡市玉潭街道红星志愿服务队"
    proj = "2025-09-01 ~ 2025-09-30"
    rows = [
        ("许可", "社区环境清洁", "清扫", "2025-09-20 09:00:00~11:30:00", "2.50 小时", "团体录入", "2025-09-22", "已生效"),
        ("夏天", "社区环境清洁", "清扫", "2025-09-20 09:00:00~11:30:00", "2.50 小时", "团体录入", "2025-09-22", "已生效"),
        ("温柔", "社区环境清洁", "清扫", "2025-09-20 09:00:00~11:30:00", "5 小时", "团体录入", "2025-09-22", "已生效"),
        ("江河", "关爱老人上门探访", "陪伴", "2025-09-21 14:00:00~16:00:00", "2.00 小时", "个人申请", "2025-10-20", "已生效"),
        ("林立", "关爱老人上门探访", "陪伴", "2025-09-21 14:00:00~16:00:00", "2.00 小时", "个人申请", "2025-09-23", "录入中"),
        ("方圆", "关爱老人上门探访", "陪伴", "2025-09-21 14:00:00~16:00:00", "2.00 小时", "app打卡", "2025-09-21", "已生效"),
    ]
    ws.write_row(0, 0, head)
    for r, (name, p_, post, span, hours, how, rec, st) in enumerate(rows, start=1):
        ws.write_row(r, 0, [r, name, masked[r - 1], p_, post, team, span, hours, how, rec, st, proj])
    wb.close()
    return {
        "shape": "全国志愿服务信息系统 2.0 管理端的时长记录：服务时间一格“开始~HH:mm:ss”，录入时长“2.50 小时”，录入日期，"
                 "所属项目/所属队伍，录入状态“录入中”的行不检查，证件号码前6后3",
        "findings": [(4, "REC004", "违规"), (5, "REC002", "违规")],
        "partial": {"DAT001": "MASKED_VALUES", "REC001": "MISSING_FIELD"},
        "skipped": {"NOT_APPROVED": 1},
        "header_row": 1,
    }


# ---------------------------------------------------------------- 12. 志愿汇 back office: .xls bytes named .xlsx


def zhiyuanhui_xls(path: Path) -> dict:
    """志愿汇 detail (github.com/vintcessun/XMU-Service api/zyh365.go): sheet 详细记录, 签到/签退 as epoch
    milliseconds, 信用时数 / 荣誉时数, 信用时数 0 = 未签退, phones masked 138****1234; BIFF .xls bytes under .xlsx."""
    import xlwt

    vid = ids(5, "430602", 1997)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("详细记录")
    head = ["活动名称", "组织名称", "姓名", "证件号码", "手机号", "签到时间", "签退时间", "信用时数", "荣誉时数", "时长发放时间"]
    org = "岳阳市岳阳楼区蓝海志愿服务队"
    base = 1710032400000  # 2024-03-10 09:00 Beijing time
    hour = 3_600_000
    day = 24 * hour
    rows = [
        ("江边垃圾清理", "潘登", vid[0], base, base + 2 * hour, 2, 0, base + 2 * hour + 60_000),
        ("江边垃圾清理", "叶青", vid[1], base, None, 0, 0, None),
        ("江边垃圾清理", "柳絮", vid[2], base, base + 2 * hour, 0, 2, base + 20 * day),
        ("社区助老服务", "白桦", vid[3], base + day, base + day + 3 * hour, 3, 0, base + day + 3 * hour + 60_000),
        ("社区助老服务", "乔木", vid[4], base + day, base + day + 3 * hour, 5, 0, base + day + 3 * hour + 60_000),
    ]
    for c, h in enumerate(head):
        ws.write(0, c, h)
    for r, (act, name, pid, s, e, credit, honour, rec) in enumerate(rows, start=1):
        for c, v in enumerate([act, org, name, pid, f"138****{1000 + r:04d}", s, e, credit, honour, rec]):
            if v is not None:
                ws.write(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    path.write_bytes(buf.getvalue())
    return {
        "shape": "志愿汇后台的详细记录：.xls 内容用 .xlsx 扩展名，签到/签退是毫秒时间戳，信用时数/荣誉时数，信用时数 0 且没有"
                 "签退的是未签退（不检查），手机号已打码",
        "findings": [(4, "REC002", "违规"), (6, "REC004", "违规")],
        "partial": {"REC001": "MISSING_FIELD"},
        "skipped": {"NOT_APPROVED": 1},
        "header_row": 1,
    }


# ---------------------------------------------------------------- 13. a class at one session: two-row header


def class_session(path: Path) -> dict:
    """A school book: 学生姓名, 学号, 班级, 服务时间 → 日期 / 起止时间 with the same session on all 41 rows,
    志愿工时, 登记日期, 记录人, a merged 合计 row and a 制表人/审核人 line."""
    wb = _workbook(path)
    ws = wb.add_worksheet("高一(3)班")
    bold = wb.add_format({"bold": True, "align": "center", "border": 1})
    ws.merge_range(0, 0, 0, 9, "长沙市第二中学高一(3)班志愿服务登记表", bold)
    for col, h in enumerate(["序号", "学生姓名", "学号", "班级", "活动名称"]):
        ws.merge_range(1, col, 2, col, h, bold)
    ws.merge_range(1, 5, 1, 6, "服务时间", bold)
    ws.write(2, 5, "日期", bold)
    ws.write(2, 6, "起止时间", bold)
    for col, h in zip(range(7, 10), ("志愿工时", "登记日期", "记录人"), strict=True):
        ws.merge_range(1, col, 2, col, h, bold)
    n = 41
    for i in range(n):
        r = 3 + i
        hours = 3 if i != 9 else 6  # planted: row 13 claims 6 hours for a 3-hour session
        rec = "2025-09-22" if i != 20 else "2025-10-31"  # planted: row 24 registered late
        ws.write_row(r, 0, [i + 1, f"学生{i + 1:02d}", f"2025{i + 1:03d}", "高一(3)班", "湘江风光带垃圾清理",
                            "2025年9月20日", "8:30-11:30", hours, rec, "王老师"])
    total = 3 + n
    ws.merge_range(total, 0, total, 6, "合计", bold)
    ws.write_number(total, 7, 3 * n + 3)
    ws.write_string(total + 1, 0, "制表人：王老师")
    ws.write_string(total + 1, 5, "审核人：李主任")
    wb.close()
    return {
        "shape": "学校班级台账：两行表头“服务时间 → 日期/起止时间”，全班同一场活动（41行同一时段），学生姓名/学号/班级/"
                 "志愿工时/登记日期/记录人，合并的合计行和制表人签字行",
        "findings": [(13, "REC004", "违规"), (24, "REC002", "违规")],
        "partial": {"REC001": "MISSING_FIELD"},
        "skipped": {"TOTAL_ROW": 1, "FOOTER_ROW": 1},
        "header_row": 3,
    }


# ---------------------------------------------------------------- 14. a local platform: 活动日期 A 至 B, 12-hour times


def local_platform(path: Path) -> dict:
    vid = ids(6, "430703", 1986)
    head = ["姓名", "身份证号", "活动名称", "所属团体", "联系人", "活动日期", "活动时间", "服务时长", "服务评价", "记录日期"]
    group = "常德市武陵区夕阳红志愿服务队"
    rows = [
        ["龚雪", vid[0], "社区义诊", group, "张*", "2024-03-09", "2024-03-09 下午2:30-4:30", "两小时", "优秀", "2024-03-11"],
        ["饶平", vid[1], "社区义诊", group, "张*", "2024-03-09", "2024-03-09 下午2:30-4:30", "四小时", "良好", "2024-03-11"],
        ["戴安", vid[2], "夜间巡逻", group, "张*", "2024-03-09", "2024-03-09 晚上8:00-10:00", "两个小时", "合格", "2024-03-11"],
        ["车琳", vid[3], "文明劝导", group, "张*", "2024-03-10", "2024-03-10 上午9:00-10:30", "一个半小时", "优秀", "2024-04-30"],
        ["顾北", vid[4], "文明劝导", group, "张*", "2024-03-10", "2024-03-10 上午9:00-9:30", "半小时", "优秀", "2024-03-11"],
        ["邵阳", vid[5], "环保宣讲", group, "张*", "2024-03-11 至 2024-03-13", "", "三小时三十分", "良好", "2024-03-14"],
    ]
    text = "\r\n".join(",".join(r) for r in [head, *rows]) + "\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    return {
        "shape": "地方平台导出（CSV）：活动时间写“下午2:30-4:30”“晚上8:00-10:00”（12小时制），时长写汉字（两小时、一个半小时、"
                 "半小时、三小时三十分），活动日期“A 至 B”，所属团体，联系人“张*”",
        "findings": [(3, "REC004", "违规"), (5, "REC002", "违规")],
        "header_row": 1,
    }


# ---------------------------------------------------------------- 15. English Title Case headers, ragged rows


def english_ragged(path: Path) -> dict:
    vid = ids(5, "430105", 2001)
    head = ["Record Id", "Volunteer Id", "Name", "Id Number", "Activity Name", "Organizer", "Start Time", "End Time",
            "Hours", "Evaluation", "Recorded At"]
    org = "Changsha Youth Volunteers"
    rows = [
        ["R001", "V001", "Li Lei", vid[0], "Park cleaning", org, "2024-03-09 09:00", "2024-03-09 11:00", "2", "good",
         "2024-03-10 09:00"],
        ["R002", "V002", "Han Mei", vid[1], "Park cleaning", org, "2024-03-09 09:00", "2024-03-09 11:00", "2", "good",
         "2024-03-10 09:00", "extra note", "another"],
        ["R003", "V003", "Wang Fang", vid[2][:17] + ("0" if vid[2][17] != "0" else "1"), "Park cleaning", org,
         "2024-03-09 09:00", "2024-03-09 11:00", "2", "good", "2024-03-10 09:00"],
        ["R004", "V004", "Zhao Qiang", vid[3], "Library", org, "2024-03-10 14:00"],
        ["R005", "V005", "Sun Li", vid[4], "Library", org, "2024-03-10 14:00", "2024-03-10 16:00", "2", "good",
         "2024-03-30 09:00"],
    ]
    text = "\r\n".join(",".join(r) for r in [head, *rows]) + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    return {
        "shape": "英文表头（Title Case：Record Id、Volunteer Id、Id Number……）的 CSV，有的行多几格、有的行少几格",
        "findings": [(4, "DAT001", "违规"), (5, "REC001", "违规"), (6, "REC002", "违规")],
        "header_row": 1,
    }


# ---------------------------------------------------------------- 16. first sheet hidden; HTML with scripts


def hidden_first(path: Path) -> dict:
    vid = ids(12, "430202", 1980)
    wb = _workbook(path)
    old = wb.add_worksheet("草稿")
    new = wb.add_worksheet("服务记录")
    head = ["姓名", "证件号码", "活动名称", "开始时间", "结束时间", "核定工时", "服务评价", "记录时间", "组织单位"]
    org = "株洲市芦淞区绿叶志愿者协会"
    for ws in (old, new):
        ws.write_row(0, 0, head)
    for i in range(3):
        old.write_row(1 + i, 0, [f"旧{i}", vid[i], "旧活动", "2023-01-05 09:00", "2023-01-05 08:00", 9, "优秀",
                                 "2023-03-01 09:00", org])
    for i in range(12):
        end = "2024-03-09 11:00"
        rec = "2024-03-10 09:00" if i != 7 else "2024-04-30 09:00"  # planted: row 9 recorded late
        new.write_row(1 + i, 0, [f"志愿者{i + 1:02d}", vid[i], "社区环境清洁", "2024-03-09 09:00", end, 2, "优秀", rec, org])
    new.activate()
    old.hide()
    wb.close()
    return {
        "shape": "第一张工作表是隐藏的草稿（3行），看得见的“服务记录”有12行：应检查看得见的那张；时长列叫“核定工时”"
                 "（不认识的写法：列映射里写“未识别，可手动指定”）",
        "findings": [(9, "REC002", "违规")],
        "unrecognised": {"服务时长(小时)": "核定工时"},
        "header_row": 1,
    }


def html_scripts(path: Path) -> dict:
    vid = ids(4, "430903", 1991)
    head = ["姓名", "证件号码", "活动名称", "开始时间", "结束时间", "服务时长", "服务评价", "记录时间", "组织名称"]
    org = "益阳市赫山区向日葵志愿服务队"
    rows = [["钱多", vid[0], "图书整理", "2024-03-09 09:00", "2024-03-09 11:00", "2", "优秀", "2024-03-10 09:00", org],
            ["孙悦", vid[1], "图书整理", "2024-03-09 09:00", "2024-03-09 11:00", "2", "良好", "2024-03-10 09:00", org],
            ["李想", vid[2], "图书整理", "2024-03-09 11:00", "2024-03-09 09:00", "2", "合格", "2024-03-10 09:00", org],
            ["周全", vid[3], "图书整理", "2024-03-09 09:00", "2024-03-09 11:00", "2", "优秀", "2024-03-10 09:00", org]]
    html = ["<html><head><meta charset=\"utf-8\"><style>table{border-collapse:collapse}</style>",
            "<script>var tpl = '<table><tr><td>模板</td><td>开始时间</td><td>结束时间</td></tr></table>';</script></head><body>",
            "<!-- 旧版导出：<table><tr><th>姓名</th><th>开始时间</th><th>结束时间</th></tr></table> -->",
            "<table>", "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    html += ["<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows]
    html += ["</table><script>window.print && console.log('<table>')</script></body></html>"]
    path.write_text("\n".join(html), encoding="utf-8")
    return {
        "shape": "网页表格存成 .xls，表格前后有脚本、样式和注释（注释和脚本里也有 <table>）",
        "findings": [(4, "REC004", "违规")],
        "header_row": 1,
    }


def big5_csv(path: Path) -> dict:
    text = "姓名,證件號碼,活動名稱,開始時間,結束時間,服務時長\r\n" + "".join(
        f"陳{i},A12345678{i},社區清潔,2024-03-09 09:00,2024-03-09 11:00,2\r\n" for i in range(5))
    path.write_bytes(text.encode("big5"))
    return {"shape": "繁体中文 Big5 编码的 CSV：应说出编码，而不是“找不到表头行”", "error": "ENCODING",
            "message": "Big5"}


FILES = {
    "national_html.xls": national_html,
    "zhiyuanhui_minutes.csv": zhiyuanhui_csv,
    "hunan_xml2003.xls": hunan_xml,
    "web_utf16.xls": utf16_tab,
    "school_ledger.xlsx": school_ledger,
    "community_ledger.xlsx": community_ledger,
    "semicolon_gbk.csv": semicolon_csv,
    "summary_and_detail.xlsx": two_sheets,
    "summary_by_person.xlsx": summary_by_person,
    "roster.xlsx": roster,
    "national_v2.xlsx": national_v2,
    "zhiyuanhui_detail.xlsx": zhiyuanhui_xls,
    "class_session.xlsx": class_session,
    "local_platform.csv": local_platform,
    "english_ragged.csv": english_ragged,
    "hidden_first.xlsx": hidden_first,
    "html_scripts.xls": html_scripts,
    "big5.csv": big5_csv,
}


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest, expected = {}, []
    for name, make in FILES.items():
        spec = make(out / name)
        for row, rule, severity in spec.pop("findings", []):
            expected.append({"file": name, "row": row, "rule": rule, "severity": severity})
        manifest[name] = spec
    pd.DataFrame(expected, columns=["file", "row", "rule", "severity"]).to_csv(
        out / "expected.csv", index=False, lineterminator="\n")
    header = ("# 每个文件的预期：shape 是它模仿的样子；findings 见 expected.csv（按 Excel 行号）；partial 是只能部分评估的规则及原因代码；\n"
              "# skipped 是读入时放在一边的行（原因代码: 行数）；units 是时长列的单位；error 是应被拒绝时的原因代码，message 是拒绝说明里\n"
              "# 必须有的字；unrecognised 是像字段却没认出的表头（猜的字段: 表头）。\n"
              "# 由 tools/make_exports.py 生成，请勿手改。\n")
    (out / "manifest.yaml").write_text(header + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    print(f"wrote {len(FILES)} files and expected.csv ({len(expected)} findings) to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
