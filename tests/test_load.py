"""The loader on messy real files: title rows, encodings, aliases, date formats, sheets, bad input."""

import datetime as dt
import hashlib

import openpyxl
import pandas as pd
import pytest

from tests.conftest import REPO, records
from zyfw_checks.load import ROW, LoadError, load_table


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_with_merged_title_and_blank_row_keeps_excel_row_numbers(tmp_path):
    path = tmp_path / "带标题.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务记录"
    ws["A1"] = "长沙市XX志愿者协会2024年服务记录"
    ws.merge_cells("A1:F1")
    # row 2 blank, row 3 headers, rows 4–5 data
    df = records({}, {"姓名": "王五"})
    ws.append([])
    ws.append([])  # openpyxl appends after the last row: the header lands in row 3
    ws.cell(row=3, column=1)
    for j, col in enumerate(df.columns, start=1):
        ws.cell(row=3, column=j, value=col)
        for i, v in enumerate(df[col].tolist(), start=4):
            ws.cell(row=i, column=j, value=v)
    wb.save(path)
    before = _digest(path)
    t = load_table(path)
    assert t.header_row == 3
    assert t.df["_row"].tolist() == [4, 5]
    assert t.df["姓名"].tolist() == ["张三", "王五"]
    assert _digest(path) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_detected(tmp_path, encoding):
    path = tmp_path / "records.csv"
    text = "某协会服务记录\n\n" + records({}, {"姓名": "欧阳娜娜"}).to_csv(index=False)
    path.write_bytes(text.encode(encoding))
    t = load_table(path)
    assert t.header_row == 3
    assert t.df["_row"].tolist() == [4, 5]
    assert t.df["姓名"].tolist() == ["张三", "欧阳娜娜"]


def test_header_aliases_fullwidth_spaces_units_english(tmp_path):
    df = records({})
    renamed = df.rename(columns={
        "服务时长(小时)": "服务时长（小时）", "开始时间": " 服务开始时间 ", "结束时间": "end_time",
        "证件号码": "身份证号", "服务评价": "*评价", "记录平台": "信息平台",
    })
    path = tmp_path / "a.csv"
    renamed.to_csv(path, index=False)
    t = load_table(path)
    for canon in ("服务时长(小时)", "开始时间", "结束时间", "证件号码", "服务评价", "记录平台"):
        assert canon in t.df.columns
    assert t.mapping["开始时间"] == " 服务开始时间 "


@pytest.mark.parametrize("alias", ["时长", "志愿服务时长", "服务时数", "服务时长(h)", "时长（小时）"])
def test_hours_aliases(tmp_path, alias):
    path = tmp_path / "h.csv"
    records({}).rename(columns={"服务时长(小时)": alias}).to_csv(path, index=False)
    assert load_table(path).df["服务时长(小时)"].tolist() == [2.0]


def test_date_formats_as_people_type_them(tmp_path):
    values = ["2023-09-07 14:00", "2023/9/7 14:00", "2023年9月7日14时30分", "2023.9.7", "2023-09-07T14:00:05"]
    path = tmp_path / "d.csv"
    records(*({"开始时间": v} for v in values)).to_csv(path, index=False)
    got = load_table(path).df["开始时间"].tolist()
    assert got == [pd.Timestamp(x) for x in ["2023-09-07 14:00", "2023-09-07 14:00", "2023-09-07 14:30",
                                               "2023-09-07", "2023-09-07 14:00:05"]]


def test_excel_serial_numbers_and_real_datetimes(tmp_path):
    path = tmp_path / "s.xlsx"
    df = records({}, {})
    df["开始时间"] = pd.Series([45176.583333333336, dt.datetime(2023, 9, 7, 8, 0)], dtype=object)
    df.to_excel(path, index=False)
    got = load_table(path).df["开始时间"].tolist()
    assert got == [pd.Timestamp("2023-09-07 14:00"), pd.Timestamp("2023-09-07 08:00")]


def test_date_column_plus_time_columns(tmp_path):
    df = records({"开始时间": "9:00", "结束时间": "11:30", "服务时长(小时)": 2.5})
    df.insert(0, "服务日期", "2024-03-09")
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.df.loc[0, "开始时间"] == pd.Timestamp("2024-03-09 09:00")
    assert t.df.loc[0, "结束时间"] == pd.Timestamp("2024-03-09 11:30")
    assert t.bad_cells.empty


def test_unparseable_cells_reported_with_row_and_column_rest_still_loaded(tmp_path):
    path = tmp_path / "bad.csv"
    records({}, {"服务时长(小时)": "几小时", "开始时间": "上周六"}, {}).to_csv(path, index=False)
    t = load_table(path)
    assert len(t.df) == 3
    assert set(zip(t.bad_cells["row"], t.bad_cells["field"], strict=True)) == {(3, "服务时长(小时)"), (3, "开始时间")}
    assert t.df["服务时长(小时)"].tolist()[0] == 2.0


def test_hours_written_with_units(tmp_path):
    path = tmp_path / "u.csv"
    records({"服务时长(小时)": "2小时"}, {"服务时长(小时)": "1小时30分"}, {"服务时长(小时)": "2.5"}).to_csv(path, index=False)
    assert load_table(path).df["服务时长(小时)"].tolist() == [2.0, 1.5, 2.5]


def test_xls_and_parquet(tmp_path, samples):
    xlwt = pytest.importorskip("xlwt")
    df = records({}, {"姓名": "赵六"})
    book = xlwt.Workbook()
    sheet = book.add_sheet("服务记录")
    sheet.write(0, 0, "某协会记录")
    for j, col in enumerate(df.columns):
        sheet.write(1, j, col)
        for i, v in enumerate(df[col].tolist()):
            sheet.write(i + 2, j, None if v is None else v)
    book.save(str(tmp_path / "old.xls"))
    t = load_table(tmp_path / "old.xls")
    assert t.df["_row"].tolist() == [3, 4] and t.df["姓名"].tolist()[1] == "赵六"

    df.to_parquet(tmp_path / "big.parquet")
    p = load_table(tmp_path / "big.parquet")
    assert p.df["_row"].tolist() == [2, 3]
    assert p.df["开始时间"].iloc[0] == pd.Timestamp("2024-03-09 09:00")


def test_three_sheet_workbook_joins_like_flat(samples):
    flat = load_table(samples / "problems.xlsx").df
    multi = load_table(samples / "problems_multisheet.xlsx")
    assert any("合并" in n for n in multi.notes)
    cols = [c for c in flat.columns if c not in ("_row", "_sheet")]
    assert set(cols) <= set(multi.df.columns)
    pd.testing.assert_frame_equal(
        flat[cols].reset_index(drop=True), multi.df[cols].reset_index(drop=True), check_dtype=False
    )


def test_sheet_option_and_unknown_sheet(samples):
    t = load_table(samples / "problems_multisheet.xlsx", sheet="服务记录")
    assert "姓名" not in t.df.columns
    with pytest.raises(LoadError, match="没有名为"):
        load_table(samples / "problems_multisheet.xlsx", sheet="不存在")


def test_total_row_skipped_and_said(tmp_path):
    df = records({}, {})
    df.loc[len(df)] = ["合计"] + [None] * (df.shape[1] - 1)
    path = tmp_path / "sum.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert len(t.df) == 2
    assert any("合计" in n for n in t.notes)


@pytest.mark.parametrize(
    ("content", "name", "expect"),
    [
        (b"", "empty.csv", "空的"),
        ("随便写的一些字\n没有表头\n".encode(), "nohead.csv", "找不到表头"),
        ("姓名,开始时间,结束时间\n".encode(), "headonly.csv", "没有任何数据行"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "无法读取 Excel"),
        (b"\x00\x01", "x.docx", "不支持的文件类型"),
        (b"\xff\xfe\xfd\x80\x81\xfe" * 50, "bin.csv", "找不到表头"),
    ],
)
def test_bad_input_gets_one_chinese_message(tmp_path, content, name, expect):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=expect):
        load_table(path)
    assert path.read_bytes() == content


def test_no_header_message_lists_found_and_needed(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    with pytest.raises(LoadError) as err:
        load_table(path)
    assert "甲" in str(err.value) and "开始时间" in str(err.value)
    assert "zyfw template" in str(err.value) and "data/samples" not in str(err.value)  # what an installed kit has


def test_bad_cell_in_volunteer_sheet_is_reported_on_that_volunteers_records(tmp_path):
    recs = records({"志愿者编号": "A"}, {"志愿者编号": "B"}, {"志愿者编号": "A"})
    vol_cols = ["志愿者编号", "姓名", "证件号码"]
    vols = pd.DataFrame({"志愿者编号": ["B", "A"], "姓名": ["李四", "张三"], "证件号码": ["11010519491231002X"] * 2,
                         "评价日期": ["2024-03-11", "下周"]})
    path = tmp_path / "three.xlsx"
    with pd.ExcelWriter(path) as xw:
        recs.drop(columns=vol_cols[1:] + ["评价日期"]).to_excel(xw, sheet_name="服务记录", index=False)
        vols.to_excel(xw, sheet_name="志愿者", index=False)
    t = load_table(path)
    assert sorted(t.bad_cells["row"]) == [2, 4]  # the records of volunteer A, not row 3 of the 志愿者 sheet
    assert t.bad_cells["header"].str.startswith("志愿者!").all()


def test_excel_date_cells_plus_time_cells(tmp_path):
    df = records({}, {})
    wb = openpyxl.Workbook()
    ws = wb.active
    cols = ["服务日期", *df.columns]
    ws.append(cols)
    for _, r in df.iterrows():
        vals = [dt.date(2024, 3, 9)] + [r[c] for c in df.columns]
        vals[cols.index("开始时间")] = dt.time(9, 0)
        vals[cols.index("结束时间")] = dt.time(11, 30)
        ws.append(vals)
    wb.save(tmp_path / "times.xlsx")
    t = load_table(tmp_path / "times.xlsx")
    assert t.df["开始时间"].tolist() == [pd.Timestamp("2024-03-09 09:00")] * 2
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2024-03-09 11:30")] * 2
    assert t.bad_cells.empty


def test_id_numbers_stored_as_numbers_are_reported_not_checked(tmp_path):
    df = records({}, {"志愿者编号": "ZY2", "开始时间": "2024-03-10 09:00", "结束时间": "2024-03-10 11:00"})
    df["证件号码"] = pd.Series([430102199001011234.0, "11010519491231002X"], dtype=object)
    path = tmp_path / "num.xlsx"
    df.to_excel(path, index=False)
    t = load_table(path)
    assert t.bad_cells["row"].tolist() == [2]
    assert "文本" in t.bad_cells["hint"].iloc[0]
    from zyfw_checks.engine import check_table

    f = check_table(t).findings
    assert f[["row", "rule"]].values.tolist() == [[2, "DAT003"]]
    assert "文本" in f.iloc[0]["message"]


def test_scientific_notation_id_from_csv_gets_a_specific_message(tmp_path):
    path = tmp_path / "sci.csv"
    records({"证件号码": "4.30102E+17"}).to_csv(path, index=False)
    from zyfw_checks.engine import check_file

    f = check_file(path).findings
    assert f[["row", "rule"]].values.tolist() == [[2, "DAT001"]]
    assert "科学计数法" in f.iloc[0]["message"]


# ---------------------------------------------------------------- issue 10 / 12: real shapes and hostile files
import io  # noqa: E402
import zipfile  # noqa: E402

from zyfw_checks.load import SUMMARY_FILE, read_cells  # noqa: E402


def _xlsx_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_excel(buf, index=False)
    return buf.getvalue()


def _swap_sheet(xlsx: bytes, sheet_xml: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i.filename, sheet_xml if i.filename == "xl/worksheets/sheet1.xml" else src.read(i))
    return out.getvalue()


def test_zip_bomb_is_refused_from_the_zip_directory():
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    bomb = _swap_sheet(_xlsx_bytes(records({})), body + row * 400_000 + b"</sheetData></worksheet>")
    assert len(bomb) < 200_000  # ~20 MB of sheet XML in a small file
    with pytest.raises(LoadError, match="异常庞大") as err:
        load_table(bomb, name="bomb.xlsx")
    assert "压缩比" in str(err.value)


def test_sheet_declaring_more_rows_than_excel_allows_is_refused():
    body = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1:AB4000000"/><sheetData/></worksheet>')
    with pytest.raises(LoadError, match="1,048,576"):
        load_table(_swap_sheet(_xlsx_bytes(records({})), body), name="big.xlsx")


@pytest.mark.parametrize("sep_line", [True, False])
def test_semicolon_csv_and_sep_line(tmp_path, sep_line):
    body = records({}, {"姓名": "王五"}).to_csv(index=False, sep=";")
    path = tmp_path / "semi.csv"
    path.write_text(("sep=;\n" if sep_line else "") + body, encoding="utf-8")
    t = load_table(path)
    assert t.header_row == 1 and t.df["_row"].tolist() == [2, 3]  # Excel hides the sep= line
    assert t.df["姓名"].tolist() == ["张三", "王五"]
    assert any("分隔" in n for n in t.notes)


def test_duplicate_column_names_both_kept_first_used_said(tmp_path):
    df = records({})
    df.insert(len(df.columns), "联系电话 ", "0731-1234567")
    path = tmp_path / "dup.csv"
    df.rename(columns={"联系电话 ": "联系电话"}).to_csv(path, index=False)
    t = load_table(path)
    assert t.df["联系电话"].tolist() == ["13812345678"]
    assert len([c for c in t.original.columns if c.startswith("联系电话")]) == 2
    assert any("联系电话" in n and "未参与检查" in n for n in t.notes)
    status = t.columns.set_index("column")["status"]
    assert (status == "重复，未使用").sum() == 1
    from zyfw_checks.engine import check_table

    check_table(t)  # no internal error on the duplicated name


def test_hidden_sheet_is_never_chosen_over_a_visible_one(tmp_path):
    path = tmp_path / "hidden.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        records({"姓名": "可见"}).to_excel(xw, sheet_name="A", index=False)
        records({"姓名": "隐藏"}).to_excel(xw, sheet_name="B", index=False)
        xw.book["B"].sheet_state = "hidden"
        xw.book.move_sheet("B", offset=-1)  # the hidden sheet comes first
    t = load_table(path)
    assert t.df["姓名"].tolist() == ["可见"]
    assert any("隐藏" in n and "B" in n for n in t.notes)


def test_two_row_merged_header_is_combined(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "证件号码", "服务时间", None, None, "服务时长", "服务评价"])
    ws.append([None, None, "日期", "开始", "结束", None, None])
    ws.merge_cells("C1:E1")
    ws.merge_cells("A1:A2")
    ws.append(["张三", "11010519491231002X", dt.date(2024, 3, 9), dt.time(9), dt.time(11, 30), 2.5, "优秀"])
    wb.save(path)
    t = load_table(path)
    assert t.header_row == 2 and t.header_rows == 2
    assert t.df["_row"].tolist() == [3]
    assert t.df["开始时间"].tolist() == [pd.Timestamp("2024-03-09 09:00")]
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2024-03-09 11:30")]
    assert t.mapping["开始时间"] == "服务时间/开始"


@pytest.mark.parametrize(("header", "cells", "hours"), [
    ("服务时长(分钟)", ["90", "150"], [1.5, 2.5]),
    ("时长（分）", ["90", "1:30"], [1.5, 1.5]),
    ("服务时长", ["1:30", "01:30:00"], [1.5, 1.5]),
])
def test_duration_units_from_the_header_and_clock_durations(tmp_path, header, cells, hours):
    df = records(*({"服务时长(小时)": c} for c in cells)).rename(columns={"服务时长(小时)": header})
    path = tmp_path / "u.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.df["服务时长(小时)"].tolist() == hours
    assert ("分钟" in header or "分）" in header) == any("按分钟换算为小时" in n for n in t.notes)


def test_user_can_set_the_duration_unit(tmp_path):
    path = tmp_path / "u.csv"
    records({"服务时长(小时)": "120"}).to_csv(path, index=False)
    t = load_table(path, units={"服务时长(小时)": "分钟"})
    assert t.df["服务时长(小时)"].tolist() == [2.0] and t.units["服务时长(小时)"] == "分钟"


def test_date_and_time_range_in_one_cell_and_date_only_columns(tmp_path):
    df = records({}, {}, {}, drop=("开始时间", "结束时间"))
    df.insert(0, "服务时间", ["2024-03-09 8:30-11:30", "2024年3月9日 14:00—16:00", "2024-03-09 22:00-01:00"])
    path = tmp_path / "span.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.df["开始时间"].dt.strftime("%m-%d %H:%M").tolist() == ["03-09 08:30", "03-09 14:00", "03-09 22:00"]
    assert t.df["结束时间"].dt.strftime("%m-%d %H:%M").tolist() == ["03-09 11:30", "03-09 16:00", "03-10 01:00"]
    dates = records({"开始时间": "2024-03-04", "结束时间": "2024-03-08"}).to_csv(index=False)
    t = load_table(dates.encode(), name="d.csv")
    assert "结束日期" in t.df.columns and "结束时间" not in t.df.columns
    assert any("只有日期" in n for n in t.notes)


def test_leading_quote_and_formula_text_are_stripped(tmp_path):
    path = tmp_path / "q.csv"
    records({"证件号码": "'11010519491231002X", "联系电话": '="13812345678"'}).to_csv(path, index=False)
    t = load_table(path)
    assert t.df["证件号码"].tolist() == ["11010519491231002X"]
    assert t.df["联系电话"].tolist() == ["13812345678"]


def test_html_table_with_rowspan_saved_as_xls():
    html = ("<html><body><table><tr><th rowspan='2'>姓名</th><th colspan='2'>服务时间</th><th rowspan='2'>服务时长</th>"
            "<th rowspan='2'>证件号码</th></tr><tr><th>开始</th><th>结束</th></tr>"
            "<tr><td>张三</td><td>2024-03-09 09:00</td><td>2024-03-09 11:00</td><td>2</td>"
            "<td>11010519491231002X</td></tr></table></body></html>")
    t = load_table(html.encode("utf-8"), name="export.xls")
    assert t.df["姓名"].tolist() == ["张三"] and t.df["_row"].tolist() == [3]
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2024-03-09 11:00")]
    assert any("网页表格" in n for n in t.notes)


def test_utf16_text_without_bom_saved_as_xls():
    text = records({}).to_csv(index=False, sep="\t")
    t = load_table(text.encode("utf-16-le"), name="export.xls")
    assert t.df["姓名"].tolist() == ["张三"]


def test_rows_set_aside_carry_reason_codes(tmp_path):
    df = records({"审核状态": "审核通过"}, {"审核状态": "审核未通过"}, {"审核状态": "已撤销"},
                 {"审核状态": "待审核"}, {"审核状态": "通过"})
    df.loc[len(df)] = ["制表人：张老师"] + [None] * (df.shape[1] - 1)
    path = tmp_path / "st.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.df["_row"].tolist() == [2, 6]
    assert t.skipped.set_index("row")["reason_code"].to_dict() == {
        3: "NOT_APPROVED", 4: "NOT_APPROVED", 5: "NOT_APPROVED", 7: "FOOTER_ROW"}
    assert t.skipped_counts() == {"NOT_APPROVED": 3, "FOOTER_ROW": 1}


def test_a_record_mentioning_a_footer_word_is_kept(tmp_path):
    path = tmp_path / "k.csv"
    records({"活动负责人": "负责人：李四", "服务内容": "合计"}).to_csv(path, index=False)
    assert len(load_table(path).df) == 1  # it has an ID number: a record, not a footer


def test_summary_file_gets_the_export_to_download(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"姓名": ["张三"], "证件号码": ["11010519491231002X"], "信用时长": [3], "荣誉时长": [1],
                  "总时长": [4]}).to_csv(path, index=False)
    with pytest.raises(LoadError, match="服务记录明细") as err:
        load_table(path)
    assert err.value.code == SUMMARY_FILE


def test_describe_is_plain_data():
    import json

    t = load_table(records({}).to_csv(index=False).encode(), name="x.csv")
    d = t.describe()
    json.dumps(d, ensure_ascii=False)
    by_field = {c["field"]: c for c in d["columns"]}
    assert by_field["服务时长(小时)"]["unit"] == "小时" and by_field["姓名"]["status"] == "已使用"


def test_read_cells_reports_the_real_format():
    assert read_cells(b"<html><table><tr><td>a</td></tr></table></html>", name="a.xls").fmt == "html"


def test_time_range_column_with_a_separate_date_column(tmp_path):
    df = records({}, {}, drop=("开始时间", "结束时间"))
    df.insert(0, "服务时段", ["8:30-11:30", "14:00～16:00"])
    df.insert(0, "服务日期", ["2024-03-09", "2024/3/10"])
    path = tmp_path / "slot.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.df["开始时间"].tolist() == [pd.Timestamp("2024-03-09 08:30"), pd.Timestamp("2024-03-10 14:00")]
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2024-03-09 11:30"), pd.Timestamp("2024-03-10 16:00")]
    assert t.bad_cells.empty


def test_unreadable_time_range_is_a_bad_cell_with_advice(tmp_path):
    df = records({}, drop=("开始时间", "结束时间"))
    df.insert(0, "服务时间", ["上午"])
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.bad_cells["row"].tolist() == [2] and "8:30-11:30" in t.bad_cells["hint"].iloc[0]


def test_user_mapping_wins_and_one_field_for_two_columns_is_refused(tmp_path):
    df = records({})
    df["手机2"] = "13900000000"
    path = tmp_path / "m.csv"
    df.to_csv(path, index=False)
    t = load_table(path, overrides={"手机2": "联系电话"})
    assert t.df["联系电话"].tolist() == ["13900000000"] and t.mapping["联系电话"] == "手机2"
    assert t.columns.set_index("header").loc["联系电话", "status"] == "重复，未使用"
    t = load_table(path, overrides={"联系电话": ""})
    assert "联系电话" not in t.df.columns
    assert t.columns.set_index("header").loc["联系电话", "status"] == "按设置不使用"
    with pytest.raises(LoadError, match="被选给了多个列"):
        load_table(path, overrides={"手机2": "姓名", "联系电话": "姓名"})


def test_credit_and_honour_hours_in_one_detail_export(tmp_path):
    df = records({}, {"记录时间": "2024-05-10 09:00"}, drop=("服务时长(小时)",))
    df["信用时长"] = [2, None]
    df["荣誉时长"] = [None, 2]
    path = tmp_path / "zyh.csv"
    df.to_csv(path, index=False)
    t = load_table(path)
    assert t.df["服务时长(小时)"].tolist() == [2.0, 2.0]
    assert t.df["时长类型"].isna().tolist() == [True, False]
    from zyfw_checks.engine import check_table

    f = check_table(t).findings
    late = f[f["rule"] == "REC002"]
    assert late["row"].tolist() == [3] and "补录" in late.iloc[0]["message"]


def test_blank_line_inside_a_csv_keeps_excel_row_numbers():
    lines = records({}, {"姓名": "王五"}).to_csv(index=False).splitlines()
    lines.insert(2, "")
    t = load_table(("\n".join(lines) + "\n").encode(), name="blank.csv")
    assert t.df["_row"].tolist() == [2, 4] and t.df["姓名"].tolist() == ["张三", "王五"]


@pytest.mark.parametrize(("overrides", "units", "expect"), [
    ({"姓名": "不存在的字段"}, None, "不认识的字段"),
    (None, {"姓名": "分钟"}, "不是时长字段"),
    (None, {"服务时长(小时)": "天"}, "小时”或“分钟"),
])
def test_bad_user_choices_get_a_chinese_message(overrides, units, expect):
    with pytest.raises(LoadError, match=expect):
        load_table(records({}).to_csv(index=False).encode(), name="x.csv", overrides=overrides, units=units)


def test_xml_spreadsheet_2003_with_skipped_cells_rows_and_merges():
    ns = 'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'

    def cell(v, attrs=""):
        kind = "Number" if isinstance(v, (int, float)) else "String"
        return f'<Cell{attrs}><Data ss:Type="{kind}">{v}</Data></Cell>'

    head = "".join(cell(h) for h in ["姓名", "证件号码", "开始时间", "结束时间", "服务时长"])
    title = cell("某协会服务记录", ' ss:MergeAcross="4"')
    body = cell("张三") + cell("2024-03-09 09:00", ' ss:Index="3"') + cell("2024-03-09 11:00") + cell(2)
    xml = (f'<?xml version="1.0"?><Workbook {ns}><Worksheet ss:Name="记录"><Table>'
           f'<Row>{title}</Row><Row ss:Index="3">{head}</Row><Row>{body}</Row>'
           "</Table></Worksheet></Workbook>")
    t = load_table(xml.encode("utf-8"), name="x.xls")
    assert t.header_row == 3 and t.df["_row"].tolist() == [4]
    assert t.df["姓名"].tolist() == ["张三"] and t.df["证件号码"].isna().all()
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2024-03-09 11:00")] and t.df["服务时长(小时)"].tolist() == [2.0]


def test_gbk_csv_read_by_pyarrow_and_a_bad_byte_late_in_the_file(tmp_path, monkeypatch):
    """A GBK CSV goes to pyarrow's transcoding reader (never decoded whole in Python); a byte that is not
    GBK past the first 64 KB still gets the one clear message about the encoding (the fast path gives way)."""
    from zyfw_checks.load import cells as load

    decode = load._decode
    calls = []
    monkeypatch.setattr(load, "_decode", lambda data, name: calls.append(name) or decode(data, name))
    rows = "".join(f"JL{i},张三,2024-03-09 09:00,2024-03-09 11:00,2\r\n" for i in range(3000))
    text = "记录编号,姓名,开始时间,结束时间,服务时长(小时)\r\n" + rows
    good = tmp_path / "gbk.csv"
    good.write_bytes(text.encode("gbk"))
    t = load_table(good)
    assert len(t.df) == 3000 and t.df["姓名"].iloc[-1] == "张三" and t.df[ROW].iloc[0] == 2
    assert calls == []  # the whole-file Python decode was not needed
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text.encode("gbk") + b"JL9,\xff\xff,2024-03-09 09:00,2024-03-09 11:00,2\r\n")
    with pytest.raises(LoadError, match="文字编码"):
        load_table(bad)
    assert calls == ["bad.csv"]


@pytest.mark.parametrize("rows", [4, 41])
def test_a_class_at_one_session_two_row_header_date_and_time_range(tmp_path, rows):
    """Issue 20 §1: 服务时间 → 日期 / 起止时间, the same session on every participant's row, used to stop the file."""
    path = tmp_path / "班级.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "活动名称", "服务时间", None, "服务时长"])
    ws.append([None, None, "日期", "起止时间", None])
    ws.merge_cells("C1:D1")
    for c in "ABE":
        ws.merge_cells(f"{c}1:{c}2")
    for i in range(rows):
        ws.append([f"学生{i}", "社区清洁", "2025-09-20", "8:30-11:30", 3])
    wb.save(path)
    t = load_table(path)
    assert len(t.df) == rows
    assert (t.df["开始时间"] == pd.Timestamp("2025-09-20 08:30")).all()
    assert (t.df["结束时间"] == pd.Timestamp("2025-09-20 11:30")).all()
    assert t.df[ROW].tolist() == list(range(3, 3 + rows))


# ---------------------------------------------------------------- issue 20 §3–§4: the platforms' words, typed formats


def _csv(tmp_path, text, name="t.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_national_system_2_words_and_formats(tmp_path):
    """全国志愿服务信息系统 2.0: 志愿者名称, 所属项目, 所属队伍, 录入时长 'x小时', 录入日期, 服务时间 'start~HH:mm:ss'."""
    path = _csv(tmp_path, "志愿者名称,所属项目,所属队伍,服务时间,录入时长,录入日期,录入方式,录入状态\n"
                          "张三,社区清洁,青禾队,2025-09-20 09:00:00~11:30:00,2.50 小时,2025-09-22,手动录入,已生效\n"
                          "李四,社区清洁,青禾队,2025-09-20 09:00:00~11:30:00,2.5小时,2025-09-22,手动录入,录入中\n")
    t = load_table(path)
    assert {"姓名", "活动名称", "组织单位", "开始时间", "结束时间", "服务时长(小时)", "记录时间", "记录方式"} <= set(t.df)
    assert t.df["服务时长(小时)"].tolist() == [2.5]
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2025-09-20 11:30")]
    assert t.skipped_counts() == {"NOT_APPROVED": 1}  # 录入中 is not yet in force


def test_zhiyuanhui_credit_hours_zero_is_not_signed_out_and_epoch_milliseconds(tmp_path):
    path = _csv(tmp_path, "姓名,活动名称,签到时间,签退时间,信用时数,荣誉时数\n"
                          "张三,社区清洁,1710032400000,1710039600000,2,0\n"
                          "李四,社区清洁,1710032400000,,0,0\n"
                          "王五,社区清洁,1710032400000,1710039600000,0,1\n")
    t = load_table(path)
    assert t.df["_row"].tolist() == [2, 4]
    assert t.df["开始时间"].iloc[0] == pd.Timestamp("2024-03-10 09:00")  # Beijing time
    assert t.df["服务时长(小时)"].tolist() == [2, 1]
    assert t.skipped["detail"].tolist() == ["未签退（信用时数为0）"]


def test_school_book_words(tmp_path):
    path = _csv(tmp_path, "学生姓名,学号,班级,活动时间,志愿工时,登记日期,记录人\n"
                          "张三,2023001,高一(3)班,2024-03-09 8:30-11:30,3,2024-03-11,王老师\n")
    t = load_table(path)
    assert {"姓名", "志愿者编号", "班级", "开始时间", "服务时长(小时)", "记录时间", "记录人"} <= set(t.df)
    assert t.df["志愿者编号"].tolist() == ["2023001"]


def test_activity_date_written_as_a_range_is_a_range(tmp_path):
    path = _csv(tmp_path, "姓名,活动名称,活动日期,服务时长,所属团体\n张三,清洁,2024-03-01 至 2024-03-05,6,星火队\n")
    t = load_table(path)
    assert t.df["开始日期"].tolist() == [pd.Timestamp("2024-03-01")]
    assert t.df["结束日期"].tolist() == [pd.Timestamp("2024-03-05")]
    assert t.df["组织单位"].tolist() == ["星火队"] and not len(t.bad_cells)


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("2024-03-09 下午2:30-4:30", "2024-03-09 14:30", "2024-03-09 16:30"),
    ("2024年3月9日 晚上7点-9点", "2024-03-09 19:00", "2024-03-09 21:00"),
    ("2024-03-09 上午10:00-1:00", "2024-03-09 10:00", "2024-03-09 13:00"),
    ("2024-03-09 中午12:00-下午2:00", "2024-03-09 12:00", "2024-03-09 14:00"),
])
def test_twelve_hour_times_in_a_range(tmp_path, cell, start, end):
    t = load_table(_csv(tmp_path, f"姓名,活动名称,服务时间,服务时长\n张三,清洁,{cell},2\n"))
    assert t.df["开始时间"].tolist() == [pd.Timestamp(start)]
    assert t.df["结束时间"].tolist() == [pd.Timestamp(end)]


def test_twelve_hour_date_times_and_chinese_numeral_durations(tmp_path):
    path = _csv(tmp_path, "姓名,活动名称,开始时间,结束时间,服务时长\n"
                          "张三,清洁,2024年3月9日下午2时30分,2024年3月9日下午4时30分,两小时\n"
                          "李四,清洁,2024-03-09 上午9:00,2024-03-09 中午12:00,三小时\n"
                          "王五,清洁,2024-03-09 9:00,2024-03-09 10:30,一个半小时\n"
                          "赵六,清洁,2024-03-09 9:00,2024-03-09 9:30,半小时\n"
                          "钱七,清洁,2024-03-09 9:00,2024-03-09 12:30,三小时三十分\n")
    t = load_table(path)
    assert t.df["开始时间"].iloc[0] == pd.Timestamp("2024-03-09 14:30")
    assert t.df["结束时间"].iloc[1] == pd.Timestamp("2024-03-09 12:00")
    assert t.df["服务时长(小时)"].tolist() == [2, 3, 1.5, 0.5, 3.5]
    assert not len(t.bad_cells)


def test_service_date_plus_clock_times_across_midnight_and_time_flags(tmp_path):
    path = _csv(tmp_path, "姓名,活动名称,服务日期,开始时间,结束时间,服务时长\n"
                          "张三,夜间巡逻,2024-03-09,22:00,01:00,3\n"
                          "李四,清洁,2024-03-09,9:00,11:00,2\n"
                          "王五,清洁,2024-03-10,2024-03-10,2024-03-10 11:00,2\n")
    t = load_table(path)
    assert t.df["结束时间"].tolist()[:2] == [pd.Timestamp("2024-03-10 01:00"), pd.Timestamp("2024-03-09 11:00")]
    assert t.time_flags["overnight"].tolist() == [True, False, False]
    assert t.time_flags["start_clock"].tolist() == [True, True, False]
    assert t.time_flags["end_clock"].tolist() == [True, True, True]
    assert all(v.index.equals(t.df.index) for v in t.time_flags.values())


def test_time_flags_from_a_range_cell_and_after_rows_are_set_aside(tmp_path):
    path = _csv(tmp_path, "姓名,活动名称,服务时间,服务时长\n张三,巡逻,2024-03-09 22:00-02:00,4\n合计,,,4\n"
                          "李四,清洁,2024-03-09,2\n")
    t = load_table(path)
    assert t.df["_row"].tolist() == [2, 4]
    assert t.time_flags["overnight"].tolist() == [True, False]
    assert t.time_flags["start_clock"].tolist() == [True, False]


def test_a_header_that_looks_like_a_field_but_is_not_mapped_is_named(tmp_path):
    path = _csv(tmp_path, "姓名,活动名称,开始时间,结束时间,核定工时,时长确认日期\n张三,清洁,2024-03-09 9:00,2024-03-09 11:00,2,2024-03-10\n")
    t = load_table(path)
    assert t.unrecognised == {"服务时长(小时)": "核定工时", "记录时间": "时长确认日期"}
    status = dict(zip(t.columns["header"], t.columns["status"], strict=True))
    assert status["核定工时"] == status["时长确认日期"] == "未识别，可手动指定"
    assert status["姓名"] == "已使用"


def test_english_title_case_headers_map(tmp_path):
    path = _csv(tmp_path, "Record Id,Volunteer Id,Name,Id Number,Activity Name,Start Time,End Time,Hours\n"
                          "R1,V1,Zhang San,11010519491231002X,Cleaning,2024-03-09 09:00,2024-03-09 11:00,2\n")
    t = load_table(path)
    assert {"记录编号", "志愿者编号", "证件号码", "开始时间", "结束时间", "服务时长(小时)"} <= set(t.df)


def test_big5_file_gets_a_message_naming_its_encoding(tmp_path):
    text = "姓名,開始時間,結束時間,服務時長,活動名稱\n張三,2024-03-09 09:00,2024-03-09 11:00,2,社區清潔\n" * 3
    with pytest.raises(LoadError) as err:
        load_table(_csv(tmp_path, text, encoding="big5"))
    assert "Big5" in str(err.value) and "UTF-8" in str(err.value)


def test_html_xls_with_comments_and_scripts_around_the_table(tmp_path):
    html = ("<html><head><script>var t = '<table><tr><td>假</td></tr></table>';</script>"
            "<style>table{border:1px}</style></head><body><!-- <table><tr><td>旧</td></tr></table> -->"
            "<table><tr><th>姓名</th><th>开始时间</th><th>结束时间</th><th>服务时长</th></tr>"
            "<tr><td>张三</td><td>2024-03-09 09:00</td><td>2024-03-09 11:00</td><td>2</td></tr></table></body></html>")
    t = load_table(_csv(tmp_path, html, name="导出.xls"))
    assert t.df["姓名"].tolist() == ["张三"] and t.df["_row"].tolist() == [2]


def test_first_sheet_hidden_the_visible_sheet_is_read(tmp_path):
    path = tmp_path / "hidden_first.xlsx"
    wb = openpyxl.Workbook()
    old = wb.active
    old.title, old.sheet_state = "旧", "hidden"
    new = wb.create_sheet("新")
    for ws, n in ((old, 3), (new, 12)):
        ws.append(["姓名", "开始时间", "结束时间", "服务时长"])
        for i in range(n):
            ws.append([f"人{i}", "2024-03-09 09:00", "2024-03-09 11:00", 2])
    wb.active = 1
    wb.save(path)
    t = load_table(path)
    assert t.sheet == "新" and len(t.df) == 12


def test_ragged_csv_rows_keep_their_row_numbers(tmp_path):
    path = _csv(tmp_path, "姓名,开始时间,结束时间,服务时长\n张三,2024-03-09 09:00,2024-03-09 11:00,2\n"
                          "李四,2024-03-09 09:00\n王五,2024-03-09 09:00,2024-03-09 11:00,2,多,余\n"
                          "赵六,2024-03-09 11:00,2024-03-09 09:00,2\n")
    t = load_table(path)
    assert t.df["_row"].tolist() == [2, 3, 4, 5]
    assert t.df.loc[t.df["姓名"] == "赵六", "_row"].tolist() == [5]


def test_a_two_row_header_in_a_csv_with_a_repeated_12_hour_session(tmp_path):
    """CSV has no merged cells: the blank cells of the top row belong to the group on their left, and the
    blank cells themselves are blanks, not a header called “<NA>”; 下午2:30-4:30 is 14:30–16:30 on every row."""
    from zyfw_checks.load import load_table

    rows = ["学校志愿服务台账,,,,", "姓名,服务时间,,服务时长,记录日期", ",日期,起止时间,,",
            "张三,2025年9月20日,下午2:30-4:30,2,2025-09-22", "李四,2025年9月20日,下午2:30-4:30,2,2025-09-22"]
    path = tmp_path / "台账.csv"
    path.write_bytes("\r\n".join(rows).encode("gbk"))
    t = load_table(path)
    assert t.header_rows == 2
    assert "<NA>" not in " ".join(map(str, t.columns["header"].tolist()))
    assert t.df["开始时间"].tolist() == [pd.Timestamp("2025-09-20 14:30")] * 2
    assert t.df["结束时间"].tolist() == [pd.Timestamp("2025-09-20 16:30")] * 2


@pytest.mark.parametrize("name", ["orgs.xlsx", "orgs_problems.xlsx", "orgs_messy_gbk.csv"])
def test_an_organisation_list_checked_as_records_is_named_as_one(name):
    """Not “a per-person hours summary”: the message says what the table is and which check reads it."""
    with pytest.raises(LoadError) as exc:
        load_table(REPO / "data" / "samples" / name)
    assert "社会组织名单" in str(exc.value) and "zyfw orgs" in str(exc.value)
    assert "汇总" not in str(exc.value)


def test_a_volunteer_roster_is_still_named_a_roster():
    with pytest.raises(LoadError) as exc:
        load_table(REPO / "data" / "samples" / "exports" / "roster.xlsx")
    assert "志愿者名单" in str(exc.value) and "社会组织名单" not in str(exc.value)


def test_a_station_list_checked_as_records_is_named_as_one(tmp_path):
    path = tmp_path / "站点.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["站点名称", "所属社区", "依托设施", "负责人", "场所地址"])
    wb.active.append(["望月湖社区志愿服务站", "望月湖社区", "城乡社区服务中心", "张三", "岳麓区望月湖路1号"])
    wb.save(path)
    with pytest.raises(LoadError) as exc:
        load_table(path)
    assert "社区志愿服务站（点）名单" in str(exc.value) and "zyfw stations" in str(exc.value)
