"""The self-check app's widgets, driven from Python (no browser): upload, map, run, filter, download."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import openpyxl
import pytest

from tests.conftest import REPO
from zyfw_checks.app import SelfCheckApp, load_with_mapping
from zyfw_checks.app.self_check import check_upload, data_link, max_upload_bytes
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_table
from zyfw_checks.samples import SAMPLES

PROBLEMS = SAMPLES / "problems.xlsx"


def _upload(app: SelfCheckApp, data: bytes, name: str) -> None:
    """What the browser's FileUpload sends to the kernel."""
    app.upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                         "last_modified": dt.datetime(2024, 1, 1)},)


def _link_bytes(html: str, ext: str) -> bytes:
    m = re.search(r'download="[^"]*\.' + ext + r'" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', html)
    assert m, f"no .{ext} download link"
    return base64.b64decode(m.group(1))


@pytest.fixture()
def ran() -> SelfCheckApp:
    app = SelfCheckApp()
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    assert "已读取" in app.status_text
    assert app.upload.value == ()  # the widget does not keep the bytes
    app.run_button.click()
    return app


def test_upload_and_run_matches_engine(ran):
    expected = check_table(load_table(PROBLEMS))
    assert "检查完成" in ran.status_text
    assert len(ran.result.findings) == len(expected.findings)
    assert f"<b id='zy-findings'>{len(expected.findings)}</b>" in ran.summary.value
    assert f"共 {len(expected.findings)} 条" in ran.page_label.value
    # a planted problem: 2 hours recorded as 8, Excel row 15 of the user's file
    row = ran.result.findings[ran.result.findings["message"].str.contains("记录8小时")]
    assert row["row"].tolist() == [15]
    assert '<td class="num">15</td>' in ran.table_html.value
    assert "<details><summary>规则说明</summary>" in ran.table_html.value
    assert ran.chart.value[:4] == b"\x89PNG"


def test_planted_rows_are_all_found(ran):
    import pandas as pd

    planted = pd.read_csv(SAMPLES / "problems_expected.csv", encoding="utf-8-sig")
    found = set(zip(ran.result.findings["rule"], ran.result.findings["row"], strict=True))
    for item in planted.itertuples():
        assert (item.rule, item.xlsx_row) in found


def test_filters(ran):
    ran.rule_filter.value = "REC004"
    assert "共 4 条" in ran.page_label.value
    ran.rule_filter.value = ""
    ran.severity_filter.value = "存疑"
    assert all(s == "存疑" for s in ran.filtered()["severity"])
    ran.severity_filter.value = ""
    ran.text_filter.value = "第22行"
    assert ran.filtered()["row"].tolist() == [21]
    ran.text_filter.value = "没有这样的文字"
    assert "没有符合筛选条件的问题" in ran.table_html.value


def test_downloads_are_reports(ran):
    xlsx = _link_bytes(ran.downloads.value, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["汇总", "问题明细", "原始记录", "未评估规则"]
    assert book["问题明细"].max_row == len(ran.result.findings) + 1
    html = _link_bytes(ran.downloads.value, "html").decode("utf-8")
    assert "负责人签字" in html and "自查报告" in html


def test_masked_by_default_in_page_and_reports(ran):
    ids = load_table(PROBLEMS).df["证件号码"].dropna().astype(str)
    page = ran.table_html.value + ran.downloads.value
    xlsx = _link_bytes(ran.downloads.value, "xlsx")
    cells = {str(c.value) for row in openpyxl.load_workbook(io.BytesIO(xlsx))["原始记录"].iter_rows() for c in row}
    for full in ids.head(20):
        assert full not in page
        assert full not in cells


def test_use_sample_runs():
    app = SelfCheckApp()
    assert app.use_sample()
    assert app.result is not None and len(app.result.findings) > 0


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"PK\x03\x04 broken", "broken.xlsx", "无法读取 Excel 文件"),
    (b"", "empty.csv", "是空的"),
    (b"%PDF-1.4", "records.pdf", "不支持的文件类型"),
    ("甲,乙,丙\n1,2,3\n".encode(), "noheader.csv", "找不到表头行"),
    ("记录编号,姓名,开始时间,结束时间\n".encode(), "norecords.csv", "没有任何数据行"),
])
def test_bad_files_give_chinese_messages(data, name, words):
    app = SelfCheckApp()
    _upload(app, data, name)
    assert words in app.status_text
    assert "Traceback" not in app.status.value
    assert "zy-msg-error" in app.status.value
    assert app.run_button.disabled and app.result is None


def test_too_large():
    limit = max_upload_bytes()
    msg = check_upload("big.xlsx", limit + 1)
    assert msg and "超过了" in msg and "MB" in msg
    app = SelfCheckApp()
    app.load_bytes(b"x", "big.csv", size=limit + 1)
    assert "上传上限" in app.status_text


def test_mapping_dropdowns_change_the_check():
    # a header the tool does not know: 活动完成时间 means 结束时间
    csv = ("记录编号,姓名,开始时间,活动完成时间,服务时长(小时)\n"
           "A1,张三,2024-03-05 09:00,2024-03-05 11:00,8\n").encode()
    app = SelfCheckApp()
    _upload(app, csv, "own.csv")
    assert "活动完成时间" in app._dropdowns and app._dropdowns["活动完成时间"].value == ""
    app.run()
    assert "REC004" in {n["rule"] for n in app.result.not_assessed}
    app.set_mapping("活动完成时间", "结束时间")
    assert app.apply_mapping()
    assert app.table.mapping["结束时间"] == "活动完成时间"
    app.run()
    assert "REC004" in set(app.result.findings["rule"])
    # and a column can be switched off
    app.set_mapping("姓名", "")
    assert app.apply_mapping() and "姓名" not in app.table.df.columns


def test_load_with_mapping_rejects_unknown_field():
    from zyfw_checks.load import LoadError

    with pytest.raises(LoadError, match="不认识的字段"):
        load_with_mapping(b"a,b\n", "x.csv", {"a": "不存在的字段"})


def test_clear_drops_the_data(ran):
    ran.clear()
    assert ran._data is None and ran.table is None and ran.result is None
    assert "已清除" in ran.status_text


def test_data_link_escapes_the_name():
    html = data_link(b"x", '"><script>alert(1)</script>.xlsx', "application/octet-stream", "下载")
    assert "<script>" not in html


def test_plan_app_sample_and_bad_file():
    from zyfw_checks.app.plan_app import PlanApp

    app = PlanApp()
    assert app.use_sample()
    assert "已生成" in app.status.value
    plan_xlsx = _link_bytes(app.output.value, "xlsx")
    assert "抽查名单" in openpyxl.load_workbook(io.BytesIO(plan_xlsx)).sheetnames
    app.seed.value = "abc"
    assert not app.run() and "随机种子应为整数" in app.status.value
    app.seed.value = "1"
    app.load_bytes(b"PK\x03\x04 broken", "bad.xlsx")
    assert not app.run() and "无法读取 Excel 文件" in app.status.value


def test_start_script_setting_opens_with_the_sample_checked(monkeypatch):
    from zyfw_checks.app.self_check import PRELOAD_ENV, display_app

    monkeypatch.delenv(PRELOAD_ENV, raising=False)
    assert display_app().result is None
    monkeypatch.setenv(PRELOAD_ENV, "1")
    app = display_app()
    assert app.result is not None and app.result.records == 61
    assert "ZYFW_APP_SAMPLE=1" in (REPO / "scripts" / "start.sh").read_text(encoding="utf-8")
