"""Per-organisation risk table (zyfw_checks.staff.risk): figures, order, reasons, 重点 marks, plan hand-over."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import records
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.staff import risk


def calc_installed(soffice: str) -> bool:
    """Calc's library sits beside soffice (Debian: libreoffice-calc-nogui)."""
    from pathlib import Path

    program = Path(soffice).resolve().parent
    return (program / "libsclo.so").exists() or (program / "scalc").exists()


LATE = {"结束时间": "2024-03-09 11:00", "记录时间": "2024-04-30 10:00", "录入系统时间": "2024-04-30 10:00"}
PAID = {"补贴类型": "劳务报酬", "补贴金额": 300}


def org_rows(name: str, n: int, vol_prefix: str, edits: dict | None = None, every: int = 0,
             platform: str | None = None) -> list[dict]:
    rows = []
    for i in range(n):
        e = {"组织单位": name, "志愿者编号": f"{vol_prefix}{i % 4}", "活动编号": f"{vol_prefix}HD{i % 3}",
             "开始时间": f"2024-03-{1 + i % 28:02d} 09:00", "结束时间": f"2024-03-{1 + i % 28:02d} 11:00",
             "评价日期": f"2024-03-{1 + i % 28:02d}", "记录时间": f"2024-03-{1 + i % 28:02d} 18:00",
             "录入系统时间": f"2024-03-{1 + i % 28:02d} 18:00"}
        if every and i % every == 0:
            e.update(edits or {})
            if "结束时间" in (edits or {}):
                e["开始时间"] = "2024-03-09 09:00"
        if platform and i % 2 == 0:
            e["记录平台"] = platform
        rows.append(e)
    return rows


@pytest.fixture(scope="module")
def result():
    rows = (org_rows("甲志愿者协会", 20, "A", LATE, every=2)  # 10 of 20 late
            + org_rows("乙义工联合会", 10, "B", PAID, every=5, platform="某公益小程序")  # 2 of 10 paid; half elsewhere
            + org_rows("丙社区志愿服务队", 10, "C"))
    return check_table(load_frame(records(*rows)))


def test_rates_order_and_reasons(result):
    t = risk.from_result(result)
    by = t.set_index("组织")
    assert list(by.index[:2]) == ["甲志愿者协会", "乙义工联合会"] and by.index[-1] == "丙社区志愿服务队"
    assert by.loc["甲志愿者协会", "记录数"] == 20 and by.loc["甲志愿者协会", "志愿者数"] == 4
    assert by.loc["甲志愿者协会", "活动数"] == 3
    late = result.findings[result.findings["rule"] == "REC002"]
    assert by.loc["甲志愿者协会", "逾期记录（每百条）"] == pytest.approx(len(late) / 20 * 100) == 50
    assert by.loc["乙义工联合会", "发放报酬（每百条）"] == 20
    assert by.loc["乙义工联合会", "指定平台记录占比（%）"] == 50
    assert "逾期记录每百条50条" in by.loc["甲志愿者协会", "排序理由"]
    assert "非指定平台或未填平台的记录占50%" in by.loc["乙义工联合会", "排序理由"]
    assert "记录较少" in by.loc["丙社区志愿服务队", "排序理由"]  # 10 < reasons.few_records
    # the score is the weighted sum the parameter file states (not a number fixed in the test)
    p = risk.params()
    want = sum(by.loc["乙义工联合会", f"{c['label']}（每百条）"] * c["weight"] for c in p["categories"]) \
        + (100 - 50) * p["platform"]["weight"]
    assert by.loc["乙义工联合会", "风险分"] == pytest.approx(round(want, 1))
    assert list(t["排序"]) == [1, 2, 3]


def test_parts_sum_to_the_whole(result):
    """Aggregates of parts split by volunteer add up to the aggregate of the whole table."""
    df, f = result.table.df, result.findings
    key = df["志愿者编号"].str[-1].astype(int) % 2
    parts = []
    for k in (0, 1):
        sub = df[key == k]
        parts.append(risk.aggregate(sub, f[f["row"].isin(sub["_row"])]))
    whole = risk.risk_table(risk.combine([risk.aggregate(df, f)]))
    split = risk.risk_table(risk.combine(parts))
    pd.testing.assert_frame_equal(whole, split)


def test_key_targets_marks_top_volunteers_and_hands_figures_to_the_plan():
    rows = []
    for k, n_vol in enumerate([2, 3, 4, 5, 40]):
        rows += [{"组织单位": f"组织{k}", "志愿者编号": f"V{k}-{i % n_vol}", "记录编号": f"J{k}-{i}"} for i in range(40)]
    t = risk.from_result(check_table(load_frame(records(*rows))))
    top = t.set_index("组织")
    assert top.loc["组织4", risk.KEY_MARK] == "是" and "志愿者较多" in top.loc["组织4", "重点依据"]
    assert top.loc["组织0", risk.KEY_MARK] == ""
    assert "社会影响力需人工判断" in top.loc["组织4", "重点依据"]
    orgs = pd.DataFrame({"名称": ["组织4", "组织０", "别的组织"], "统一社会信用代码": [None, None, None]})
    kt = risk.key_targets(t, orgs)
    assert kt["匹配"].tolist() == ["名称", "名称", "未找到"]  # full-width digit matched after NFKC
    assert kt[risk.KEY_MARK].tolist() == [True, False, False]
    assert kt.loc[0, "志愿者数（记录）"] == 40


def test_few_organisations_are_not_ranked(result):
    t = risk.from_result(result)
    assert (t[risk.KEY_MARK] == "").all() and t["重点依据"].str.contains("不按排名").all()


def test_outputs_json_xlsx_and_libreoffice(result, tmp_path):
    t = risk.from_result(result)
    d = json.loads(risk.to_json(t))
    assert [o["组织"] for o in d["organisations"]] == t["组织"].tolist()
    assert any("工具默认（可改）" in n for n in d["notes"]) and d["parameters"]["categories"][0]["rules"] == ["REC002"]
    data = risk.to_xlsx(t)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["组织风险排序", "说明"]
    assert wb["组织风险排序"]["B2"].value == t["组织"].iloc[0]
    path = tmp_path / "risk.xlsx"
    path.write_bytes(data)
    back = risk.read_risk(path)
    assert back["组织"].tolist() == t["组织"].tolist()
    js = tmp_path / "risk.json"
    js.write_text(risk.to_json(t), encoding="utf-8")
    assert risk.read_risk(js)["风险分"].tolist() == t["风险分"].tolist()
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("libreoffice 不在 PATH 上：跳过转 PDF")
    if not calc_installed(soffice):
        pytest.skip("LibreOffice Calc 未安装（Debian 包 libreoffice-calc-nogui，scripts/setup.sh 安装）：无法打开 .xlsx")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True,
                   timeout=180, capture_output=True)
    assert (tmp_path / "risk.pdf").stat().st_size > 1000


def test_fill_plan_columns_uses_data_only_where_the_list_has_none():
    rows = []
    for k, n_vol in enumerate([2, 3, 4, 5, 40]):
        rows += [{"组织单位": f"组织{k}", "志愿者编号": f"V{k}-{i % n_vol}", "记录编号": f"J{k}-{i}"} for i in range(40)]
    t = risk.from_result(check_table(load_frame(records(*rows))))
    orgs = pd.DataFrame({"名称": ["组织4", "组织1", "没有记录的组织"], "年活动次数": [3, 50, None]})
    filled, notes = risk.fill_plan_columns(orgs, t, source="x_组织风险排序.json")
    assert filled["注册志愿者数"].tolist()[:2] == [40, 3] and pd.isna(filled["注册志愿者数"].iloc[2])
    assert filled["年活动次数"].tolist()[:2] == [3, 50]  # hand-filled column kept
    assert filled[risk.KEY_MARK].tolist() == [True, False, False]
    assert "注册志愿者数←服务记录中的志愿者数" in notes[0] and "3 家中 2 家" in notes[0] and "x_组织风险排序.json" in notes[0]
    assert "年活动次数" in notes[1]


def test_unmarked_organisations_say_where_they_stand():
    rows = []
    for k, n_vol in enumerate([2, 3, 4, 5, 40]):
        rows += [{"组织单位": f"组织{k}", "志愿者编号": f"V{k}-{i % n_vol}", "记录编号": f"J{k}-{i}"} for i in range(40)]
    t = risk.from_result(check_table(load_frame(records(*rows)))).set_index("组织")
    assert t.loc["组织0", "重点依据"].startswith("志愿者数、年均活动数都不在本批前20%（志愿者数2，本批第5/5位")


def test_read_risk_refuses_other_files(tmp_path):
    other = tmp_path / "x.json"
    other.write_text('{"findings": []}', encoding="utf-8")
    from zyfw_checks.errors import KitError

    with pytest.raises(KitError, match="组织风险排序"):  # the user's input: exit 2, not a bug of the kit
        risk.read_risk(other)
