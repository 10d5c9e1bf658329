"""The 10月底 抽查工作情况 (zyfw_checks.staff.province_report, ``zyfw report``): counts, conclusions, .xlsx and .docx."""

from __future__ import annotations

import io
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import records
from tests.test_risk import calc_installed
from zyfw_checks.cli import main
from zyfw_checks.staff import province_report as pr
from zyfw_checks.staff.forms import docx_text

LATE = {"开始时间": "2024-03-09 09:00", "结束时间": "2024-03-09 11:00", "记录时间": "2024-04-30 10:00",
        "录入系统时间": "2024-04-30 10:00"}


@pytest.fixture
def inputs(tmp_path):
    """Two organisations' record exports and an on-site form covering them and one more."""
    a = records(*[dict(LATE, 组织单位="甲志愿者协会", 志愿者编号=f"A{i}") for i in range(3)],
                *[{"组织单位": "甲志愿者协会", "志愿者编号": f"A{i}"} for i in range(3, 6)])
    a.to_excel(tmp_path / "甲.xlsx", index=False)
    b = records(*[{"组织单位": "乙志愿服务队", "志愿者编号": f"B{i}", "记录平台": "某公益小程序"} for i in range(4)])
    b.to_csv(tmp_path / "乙.csv", index=False)
    form = pd.DataFrame({
        "被抽查组织": ["甲志愿者协会", "乙志愿服务队", "丙义工联合会"],
        "层级": ["市级", "县级", "县级"], "县市区": [None, "岳麓区", "岳麓区"],
        "抽查日期": ["2025-07-01", "2025-07-08", "2025-07-15"],
        "发现的问题": ["逾期记录", "无", "四类②、REC005、台账缺失"],
        "处理措施": ["责令整改", None, "约谈、责令整改"], "整改情况": ["已整改", None, "整改中"],
    })
    form.to_excel(tmp_path / "现场.xlsx", index=False)
    return tmp_path


def test_counts_conclusions_and_categories(inputs):
    rep = pr.build([inputs / "甲.xlsx", inputs / "乙.csv"], onsite=inputs / "现场.xlsx", city="长沙市", year=2025)
    o = rep.orgs.set_index("组织")
    assert list(o.index) == ["甲志愿者协会", "乙志愿服务队", "丙义工联合会"]
    assert o.loc["甲志愿者协会", "记录数"] == 6 and o.loc["乙志愿服务队", "记录数"] == 4
    assert o.loc["甲志愿者协会", "逾期记录（违规条数）"] == 3
    assert o.loc["甲志愿者协会", "结论"] == "有问题"
    # 乙: records on another platform are 存疑 only (SYS001), the form says 无 → 待核实, not 有问题
    assert o.loc["乙志愿服务队", "违规条数"] == 0 and o.loc["乙志愿服务队", "存疑条数"] == 4
    assert o.loc["乙志愿服务队", "结论"] == "待核实"
    assert o.loc["丙义工联合会", "结论"] == "有问题" and o.loc["丙义工联合会", "检查方式"] == "现场抽查"
    assert "四类②内部制度要求" in o.loc["丙义工联合会", "主要问题类别"] and "其他（现场）" in o.loc["丙义工联合会", "主要问题类别"]
    assert o.loc["甲志愿者协会", "检查方式"].startswith("服务记录检查、现场抽查")
    cat = rep.by_category.set_index("问题类别")
    assert cat.loc["逾期记录", "违规条数"] == 3 and cat.loc["逾期记录", "涉及组织合计（家）"] == 1
    assert cat.loc["发放报酬", "现场发现的组织（家）"] == 1 and cat.loc["未用指定信息平台", "存疑条数"] == 4
    s = dict(rep.summary)
    assert "有问题 2 家，待核实 1 家，未发现问题 0 家" == s["结论"]
    assert "市级现场抽查 1 家（通知要求不少于10家），按本表所列少于要求" in s["现场抽查家数"]
    assert "岳麓区县级现场抽查 2 家" in s["现场抽查家数"]
    assert "2025年10月31日" in s["报送要求"]
    m = rep.measures.set_index(["项目", "内容"])["组织（家）"]
    assert m[("处理措施", "责令整改")] == 2 and m[("整改情况", "整改中")] == 1


def test_xlsx_and_docx_open_in_libreoffice(inputs, tmp_path, capsys):
    out = tmp_path / "out" / "长沙市2025.xlsx"
    code = main(["report", str(inputs / "甲.xlsx"), str(inputs / "乙.csv"), "--onsite", str(inputs / "现场.xlsx"),
                 "--city", "长沙市", "--year", "2025", "-o", str(out), "--json", str(tmp_path / "r.json")])
    assert code == 0
    assert "有问题的组织：甲志愿者协会、丙义工联合会" in capsys.readouterr().out
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames == ["情况汇总", "分组织情况", "问题分类统计", "处理情况", "说明"]
    docx = out.with_suffix(".docx")
    text = docx_text(docx.read_bytes())
    assert "长沙市2025年志愿服务记录与证明抽查工作情况" in text and "丙义工联合会" in text and "湘民发〔2023〕29号" in text
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("libreoffice 不在 PATH 上：跳过转 PDF")
    for src, sub in ((docx, "d"), (out, "x")):
        if src is out and not calc_installed(soffice):
            pytest.skip("LibreOffice Calc 未安装（Debian 包 libreoffice-calc-nogui，scripts/setup.sh 安装）：无法打开 .xlsx")
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path / sub), str(src)],
                       check=True, timeout=180, capture_output=True)
        assert (tmp_path / sub / "长沙市2025.pdf").stat().st_size > 1000


def test_records_only_folder_and_template(inputs, tmp_path, capsys):
    folder = tmp_path / "recs"
    folder.mkdir()
    shutil.copy(inputs / "甲.xlsx", folder / "甲.xlsx")
    rep = pr.build([folder], city="株洲市", year=2025)
    assert rep.orgs["组织"].tolist() == ["甲志愿者协会"] and rep.orgs["检查方式"].tolist() == ["服务记录检查"]
    assert "没有提供现场抽查结果登记表" in dict(rep.summary)["现场抽查家数"]
    tpl = tmp_path / "登记表.xlsx"
    assert main(["report", "--template", str(tpl)]) == 0
    from zyfw_checks.load import LoadError

    with pytest.raises(LoadError, match="没有任何数据行"):  # a blank form says so, in Chinese
        pr.read_onsite(tpl)
    head = [c.value for c in load_workbook(tpl)["现场抽查结果"][1]]
    assert head[0] == "组织名称" and "处理措施" in head
    assert main(["report"]) == 2 and "--onsite" in capsys.readouterr().err


def test_form_without_header_is_a_clear_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    from zyfw_checks.load import LoadError

    with pytest.raises(LoadError, match="组织名称"):
        pr.read_onsite(bad)


def test_form_read_by_the_loader_title_row_and_typed_dates(tmp_path):
    """The on-site form goes through the one loader: a title row above the header, 2025年7月15日 as typed."""
    form = tmp_path / "现场.csv"
    form.write_text("株洲市2025年现场抽查情况\n被抽查组织,层级,检查日期,存在问题,处理情况\n"
                    "甲志愿者协会,县级,2025年7月15日,逾期记录,责令整改\n", encoding="gbk")
    back, _ = pr.read_onsite(form)
    assert back["组织名称"].tolist() == ["甲志愿者协会"]
    assert back["抽查日期"].tolist() == ["2025-07-15"]
    assert back["处理措施"].tolist() == ["责令整改"]


def test_an_onsite_date_after_the_deadline_is_flagged(inputs, tmp_path):
    form = pd.DataFrame({"被抽查组织": ["甲志愿者协会", "乙志愿服务队"], "层级": ["市级", "县级"],
                         "抽查日期": ["2025-08-31", "2025-09-03"], "发现的问题": ["无", "无"]})
    form.to_excel(tmp_path / "现场晚.xlsx", index=False)
    rep = pr.build([], onsite=tmp_path / "现场晚.xlsx", city="长沙市", year=2025)
    late = [n for n in rep.notes if "晚于8月31日" in n]
    assert len(late) == 1 and "乙志愿服务队（2025-09-03）" in late[0] and "甲志愿者协会" not in late[0]
    assert "其中 1 家晚于8月31日" in dict(rep.summary)["现场抽查日期"]
    on_time = form.assign(抽查日期=["2025-08-31", "2025-08-01"])
    on_time.to_excel(tmp_path / "现场准时.xlsx", index=False)
    rep = pr.build([], onsite=tmp_path / "现场准时.xlsx", city="长沙市", year=2025)
    assert not [n for n in rep.notes if "晚于" in n] and "晚于" not in dict(rep.summary)["现场抽查日期"]


def test_a_finding_that_pairs_two_organisations_records_lists_neither_as_having_a_problem(tmp_path):
    """One volunteer in two organisations' records at overlapping times: the file cannot show which
    organisation misrecorded, so neither is 有问题 for it; a pair inside one organisation still counts."""
    base = {"志愿者编号": "V1", "姓名": "张三", "记录时间": "2025-03-01 12:00", "录入系统时间": "2025-03-01 12:00"}
    two = records(dict(base, 组织单位="甲志愿者协会", 活动名称="助老", 开始时间="2025-03-01 09:00", 结束时间="2025-03-01 11:00",
                       **{"服务时长(小时)": 2}),
                  dict(base, 组织单位="乙志愿服务队", 活动名称="环保", 开始时间="2025-03-01 10:00", 结束时间="2025-03-01 12:00",
                       **{"服务时长(小时)": 2}))
    two.to_excel(tmp_path / "两家.xlsx", index=False)
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table

    found = check_table(load_table(tmp_path / "两家.xlsx")).findings
    assert found["message"].astype(str).str.contains("重叠").any()  # the rule does see the pair
    rep = pr.build([tmp_path / "两家.xlsx"], city="长沙市", year=2025)
    o = rep.orgs.set_index("组织")
    assert set(o.index) == {"甲志愿者协会", "乙志愿服务队"}
    assert (o["结论"] != "有问题").all() and (o["违规条数"] == 0).all()
    assert any("另一个组织的记录" in n for n in rep.notes)
    one = records(dict(base, 组织单位="甲志愿者协会", 活动名称="助老", 开始时间="2025-03-01 09:00", 结束时间="2025-03-01 11:00",
                       **{"服务时长(小时)": 2}),
                  dict(base, 组织单位="甲志愿者协会", 活动名称="环保", 开始时间="2025-03-01 10:00", 结束时间="2025-03-01 12:00",
                       **{"服务时长(小时)": 2}))
    one.to_excel(tmp_path / "一家.xlsx", index=False)
    same = check_table(load_table(tmp_path / "一家.xlsx")).findings
    rep = pr.build([tmp_path / "一家.xlsx"], city="长沙市", year=2025)
    o = rep.orgs.set_index("组织")
    overlap_breach = same[same["message"].astype(str).str.contains("重叠") & (same["severity"] == "违规")]
    assert len(overlap_breach) and o.loc["甲志愿者协会", "违规条数"] >= len(overlap_breach)
    assert not any("另一个组织的记录" in n for n in rep.notes)
