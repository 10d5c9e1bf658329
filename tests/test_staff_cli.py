"""zyfw orgs / certs / stations / plan / form: exit codes, JSON shape, files written, inputs untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest

from zyfw_checks.cli import main
from zyfw_checks.staff.forms import DECLARATION, NOTE, docx_text


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_orgs_exit_codes_and_json_shape(capsys, samples):
    code, out, _ = run(capsys, "orgs", samples / "orgs_problems.xlsx", "--format", "json")
    assert code == 1
    d = json.loads(out)
    assert {"organisations", "density", "findings"} <= set(d)
    assert {"row", "名称", "结论", "理由", "clause"} <= set(d["organisations"][0])
    assert all(o["clause"].startswith("湘民发〔2023〕29号") for o in d["organisations"])
    assert d["density"][0]["地区"] == "长沙市" and d["density"][0]["达标"] is False
    code, out, _ = run(capsys, "orgs", samples / "orgs.xlsx")
    assert code == 0 and "张家界市" in out


def test_orgs_messy_csv_and_bad_input(capsys, samples, tmp_path):
    code, out, _ = run(capsys, "orgs", samples / "orgs_messy_gbk.csv")
    assert code in (0, 1) and "表头在第 3 行" in out
    code, _, err = run(capsys, "orgs", tmp_path / "nope.xlsx")
    assert code == 2 and "找不到文件" in err and "Traceback" not in err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "orgs", empty)
    assert code == 2 and "空" in err


def test_orgs_xlsx_written_and_input_untouched(capsys, samples, tmp_path):
    src = tmp_path / "orgs.xlsx"
    shutil.copy(samples / "orgs_problems.xlsx", src)
    before = digest(src)
    out = tmp_path / "out.xlsx"
    code, _, _ = run(capsys, "orgs", src, "--format", "xlsx", "-o", out)
    assert code == 1 and out.exists() and digest(src) == before
    code, _, err = run(capsys, "orgs", src, "--format", "xlsx", "-o", src)
    assert code == 2 and "输入文件" in err and digest(src) == before


def test_certs_and_stations(capsys, samples):
    code, out, _ = run(capsys, "certs", samples / "certificates.xlsx", "--records", samples / "problems.xlsx",
                       "--format", "json")
    d = json.loads(out)
    assert code == 1 and {f["rule"] for f in d["findings"]} == {"CRT001", "CRT002", "CRT003", "CRT004", "CRT005"}
    assert "条例第三十八条" in json.dumps(d["penalties"], ensure_ascii=False)
    assert "430***********" in out and "11010519" not in out
    code, out, _ = run(capsys, "certs", samples / "certificates.xlsx", "--records", samples / "problems.xlsx")
    assert "处罚参考" in out and "不构成法律意见" in out
    code, out, _ = run(capsys, "stations", samples / "stations.xlsx")
    assert code == 0 and "STN005" in out  # 存疑 and 提示 only: no breach, exit 0


def test_plan_prints_seed_and_writes_files(capsys, samples, tmp_path):
    x, h = tmp_path / "p.xlsx", tmp_path / "p.html"
    code, out, err = run(capsys, "plan", samples / "orgs.xlsx", "--year", 2025, "--seed", 42, "--staff", samples / "staff.xlsx",
                         "-o", x, "--html", h)
    assert code == 0 and "随机种子：42" in err and "随机种子：42" in out
    assert x.exists() and "<table>" in h.read_text(encoding="utf-8")
    code, _, err = run(capsys, "plan", samples / "orgs.xlsx", "--year", 1999, "--seed", 1, "-o", x)
    assert code == 2 and "年份" in err


def test_form_docx_filled_and_masked(capsys, samples, tmp_path):
    out = tmp_path / "form.docx"
    code, _, err = run(capsys, "form", samples / "orgs.xlsx", "--row", 4, "-o", out)
    assert code == 0
    text = docx_text(out.read_bytes())
    for word in ("志愿服务组织信息采集表", "社会组织名称", "业务主管单位", "联系人", "联系电话", "章程宗旨", DECLARATION,
                 "法定代表人签字", "社会组织盖章", "年    月    日", NOTE):
        assert word in text
    import pandas as pd

    row = pd.read_excel(samples / "orgs.xlsx", engine="calamine").iloc[2]  # Excel row 4
    assert row["名称"] in text and row["业务主管单位"] in text and row["联系人"] in text
    phone = str(row["联系电话"])
    assert phone not in text and phone[:3] + "****" + phone[-4:] in text and "打码" in err
    code, _, _ = run(capsys, "form", samples / "orgs.xlsx", "--row", 4, "-o", out, "--no-mask")
    assert phone in docx_text(out.read_bytes())
    code, _, err = run(capsys, "form", samples / "orgs.xlsx", "--row", 999, "-o", out)
    assert code == 2 and "第 999 行" in err
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("libreoffice 不在 PATH 上：跳过转 PDF")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)], check=True,
                   timeout=120)
    assert (tmp_path / "form.pdf").stat().st_size > 1000


def test_certs_records_complete_declaration(capsys, samples):
    args = ("certs", samples / "certificates.xlsx", "--records", samples / "problems.xlsx", "--format", "json")
    _, out, _ = run(capsys, *args)
    sev = {f["rule"]: f["severity"] for f in json.loads(out)["findings"]}
    assert sev["CRT001"] == sev["CRT002"] == "存疑"
    _, out, _ = run(capsys, *args, "--records-complete")
    d = json.loads(out)
    sev = {f["rule"]: f["severity"] for f in d["findings"]}
    assert sev["CRT001"] == sev["CRT002"] == "违规"
    assert any("声明" in n for n in d.get("notes", [])) or "声明" in out


def test_orgs_as_of_date(capsys, samples, tmp_path):
    _, out, _ = run(capsys, "orgs", samples / "orgs_problems.xlsx", "--format", "json", "--as-of", "2024-06-30")
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "ORG002"]  # 2024's deadline not yet passed
    _, out, _ = run(capsys, "orgs", samples / "orgs_problems.xlsx", "--format", "json", "--as-of", "2024-07-01")
    assert [f for f in json.loads(out)["findings"] if f["rule"] == "ORG002"]
    code, _, err = run(capsys, "orgs", samples / "orgs_problems.xlsx", "--as-of", "明天")
    assert code == 2 and "日期" in err


def test_plan_prints_tool_defaults_and_deadline_reading(capsys, samples, tmp_path):
    code, out, _ = run(capsys, "plan", samples / "orgs.xlsx", "--year", 2025, "--seed", 1, "-o", tmp_path / "p.xlsx")
    assert code == 0 and "工具默认（可改）" in out and "spot_check.key_share" in out
    assert "“9月前”按8月31日（含）计" in out and "spot_check.onsite_deadline" in out
    code, out, _ = run(capsys, "plan", samples / "orgs.xlsx", "--year", 2025, "--seed", 1, "-o", tmp_path / "p.xlsx",
                       "--staff", samples / "staff.xlsx", "--allow-upper-staff")
    assert code == 0 and "小组涵盖部门" in out


def test_orgs_county_populations_file(capsys, samples, tmp_path):
    pops = tmp_path / "县市区人口.csv"
    pops.write_text("区划代码,常住人口\n430102,600000\n430104,1500000\n", encoding="utf-8")
    _, out, _ = run(capsys, "orgs", samples / "orgs_problems.xlsx", "--format", "json", "--county-populations", pops)
    rows = {r["地区"]: r for r in json.loads(out)["density"]}
    assert rows["芙蓉区"]["常住人口"] == 600000 and "县市区人口.csv" in rows["芙蓉区"]["人口来源"]
    assert rows["芙蓉区"]["每百万人口已标识"] is not None and rows["天心区"]["常住人口"] is None
    bad = tmp_path / "bad.csv"
    bad.write_text("区划代码,常住人口\n4301,abc\n", encoding="utf-8")
    code, _, err = run(capsys, "orgs", samples / "orgs_problems.xlsx", "--county-populations", bad)
    assert code == 2 and "常住人口" in err and "Traceback" not in err


def test_plan_takes_the_risk_table_of_a_folder_check(capsys, samples, tmp_path):
    pytest.importorskip("duckdb")
    folder = tmp_path / "导出"
    folder.mkdir()
    shutil.copy(samples / "problems.xlsx", folder / "a.xlsx")
    code, _, _ = run(capsys, "check", str(folder), "--format", "jsonl", "-o", str(tmp_path / "f.jsonl"))
    assert code in (0, 1)
    risk = tmp_path / "f_组织风险排序.json"
    assert risk.exists()
    code, out, err = run(capsys, "plan", str(samples / "orgs.xlsx"), "--year", "2025", "--seed", "3", "--risk", str(risk),
                         "-o", str(tmp_path / "plan.xlsx"))
    assert code == 0
    assert "f_组织风险排序.json" in out + err  # the plan says which figures it used


def _rule_bug(table, ctx=None, *args, **kwargs):
    raise ValueError("operands could not be broadcast together")  # a plain ValueError, as numpy raises it


def test_a_value_error_inside_a_rule_is_exit_3_also_on_the_staff_folder_path(samples, tmp_path, monkeypatch,
                                                                             capsys):
    """Exit 2 is only for the kit's own error types: a ValueError from a rule is a bug of the kit, also when
    the records are checked through the staff tools (zyfw check on a folder runs staff/batch.py)."""
    import dataclasses

    pytest.importorskip("duckdb")
    from zyfw_checks.registry import REGISTRY

    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(samples / "problems.xlsx", folder / "a.xlsx")
    shutil.copy(samples / "clean.xlsx", folder / "b.xlsx")
    monkeypatch.setenv("ZYFW_CRASH_DIR", str(tmp_path / "crash"))
    monkeypatch.delenv("ZYFW_DEBUG", raising=False)
    monkeypatch.setitem(REGISTRY, "REC001", dataclasses.replace(REGISTRY["REC001"], fn=_rule_bug))
    for target in (folder, folder / "a.xlsx"):
        code, _, err = run(capsys, "check", target, "--format", "jsonl", "-o", tmp_path / f"{target.name}.jsonl")
        assert code == 3, (target, err)
        assert "程序内部错误，您的文件没有问题" in err and "无法检查" not in err and "Traceback" not in err


def test_usage_errors_of_the_staff_commands_are_kit_errors_exit_2(samples, tmp_path, capsys):
    from zyfw_checks.cli import staff
    from zyfw_checks.errors import KitError, UsageError

    with pytest.raises(UsageError):
        staff.parse_day("2026-13-40")
    with pytest.raises(KitError):
        staff.read_county_populations(tmp_path / "nope.csv")
    code, _, err = run(capsys, "plan", samples / "orgs.xlsx", "--year", "2019", "-o", tmp_path / "p.xlsx")
    assert code == 2 and "年份" in err and "程序内部错误" not in err
    code, _, err = run(capsys, "orgs", samples / "orgs.xlsx", "--county-populations", tmp_path / "nope.csv")
    assert code == 2 and "县市区人口表" in err and "程序内部错误" not in err
    other = tmp_path / "x.json"
    other.write_text('{"findings": []}', encoding="utf-8")
    code, _, err = run(capsys, "plan", samples / "orgs.xlsx", "--year", "2025", "--risk", other, "-o", tmp_path / "p.xlsx")
    assert code == 2 and "组织风险排序" in err and "程序内部错误" not in err
