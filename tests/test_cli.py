"""`zyfw check`: exit codes, JSON shape, masking, reports to files, never a traceback."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import REPO
from zyfw_checks.cli import main

ZYFW = [sys.executable, "-m", "zyfw_checks.cli"]


def run(*args):
    return subprocess.run([*ZYFW, *map(str, args)], capture_output=True, text=True, cwd=REPO)


def test_exit_codes(samples, tmp_path):
    assert run("check", samples / "clean.xlsx").returncode == 0
    assert run("check", samples / "problems.xlsx").returncode == 1
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"garbage")
    r = run("check", bad)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "无法" in r.stderr


def test_missing_file_is_exit_2_without_traceback(tmp_path):
    r = run("check", tmp_path / "nope.xlsx")
    assert r.returncode == 2 and "找不到文件" in r.stderr and "Traceback" not in r.stderr


def test_json_shape(samples):
    r = run("check", samples / "problems.xlsx", "--format", "json")
    data = json.loads(r.stdout)
    assert set(data) >= {"findings", "not_assessed", "summary"}
    from zyfw_checks.report.schema import finding_keys

    assert list(data["findings"][0]) == finding_keys()  # the one finding shape of every output
    assert data["summary"]["findings"] == len(data["findings"])
    assert all(isinstance(f["row"], int) for f in data["findings"])


def test_masking_default_and_opt_out(samples):
    exp = pd.read_csv(samples / "problems_expected.csv", encoding="utf-8-sig")
    row = int(exp.loc[exp["rule"] == "DAT001", "xlsx_row"].iloc[0])
    sheet = pd.read_excel(samples / "problems.xlsx", header=1, dtype=str, engine="calamine")
    full_id = sheet.loc[row - 3, "证件号码"]
    masked = run("check", samples / "problems.xlsx", "--format", "json").stdout
    assert full_id not in masked and full_id[:3] + "*" * 11 + full_id[-4:] in masked
    unmasked = run("check", samples / "problems.xlsx", "--format", "json", "--no-mask").stdout
    assert full_id in unmasked


def test_table_report_names_rows_rules_and_clauses(samples):
    out = run("check", samples / "problems_gbk.csv").stdout
    assert "第10行" in out and "REC002" in out and "10个工作日内完成志愿服务记录" in out


def test_output_file_and_input_untouched(samples, tmp_path):
    src = tmp_path / "problems.xlsx"
    shutil.copy(samples / "problems.xlsx", src)
    before = src.read_bytes()
    out = tmp_path / "report.json"
    assert main(["check", str(src), "--format", "json", "-o", str(out)]) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["records"] == 61
    assert main(["check", str(src), "--format", "json", "-o", str(src)]) == 2
    assert src.read_bytes() == before


def test_rules_command_lists_every_rule():
    from zyfw_checks.rules import all_rules

    out = run("rules").stdout
    for r in all_rules():
        assert r.code in out


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_not_assessed_rules_are_listed(tmp_path, fmt):
    from tests.conftest import records

    path = tmp_path / "few.csv"
    records({}).drop(columns=["记录时间", "记录平台"]).to_csv(path, index=False)
    r = run("check", path, "--format", fmt)
    assert "REC002" in r.stdout and ("未评估" in r.stdout or "缺少字段" in r.stdout)


def test_penalties_reference_names_the_article_for_record_breaches(samples):
    data = json.loads(run("check", samples / "problems.xlsx", "--format", "json").stdout)
    arts = {a["条文"] for item in data["penalties"]["articles"] for a in item["条文"]}
    assert "条例第三十八条" in arts
    assert "不构成法律意见" in data["penalties"]["说明"]
    clean = json.loads(run("check", samples / "clean.xlsx", "--format", "json").stdout)
    assert clean["penalties"] == {}


def test_help_and_usage_errors_read_in_chinese():
    for args in (["--help"], ["check", "--help"], ["plan", "--help"]):
        out = run(*args)
        assert out.returncode == 0
        assert "用法：" in out.stdout and "显示本帮助并退出" in out.stdout
        assert not any(w in out.stdout for w in ("usage:", "options:", "show this help", "positional arguments"))
    bad = run("check", "x.xlsx", "--format", "pdf")
    assert bad.returncode == 2 and "取值 'pdf' 无效" in bad.stderr and "invalid choice" not in bad.stderr
    missing = run("check")
    assert missing.returncode == 2 and "缺少必填参数" in missing.stderr


@pytest.mark.parametrize("table", ["records", "orgs", "certificates", "stations"])
def test_template_command_writes_the_fields_the_checks_read(tmp_path, table):
    from zyfw_checks.load import field_specs

    out = tmp_path / "t.xlsx"
    assert main(["template", "--table", table, "-o", str(out)]) == 0
    frame = pd.read_excel(out, engine="calamine")
    assert list(frame.columns) == list(field_specs(table))
    assert len(frame) == 1  # the guidance row, to be deleted before records are entered
    before = out.read_bytes()
    assert main(["template", "--table", table, "-o", str(out)]) == 2  # never overwrites silently
    assert out.read_bytes() == before
    assert main(["template", "--table", table, "-o", str(out), "--force"]) == 0
