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
    assert len(frame) == 0  # records start in row 2: the filling notes are on a sheet of their own
    notes = pd.read_excel(out, engine="calamine", sheet_name="填写说明")
    assert notes["列名"].tolist() == list(field_specs(table))
    before = out.read_bytes()
    assert main(["template", "--table", table, "-o", str(out)]) == 2  # never overwrites silently
    assert out.read_bytes() == before
    assert main(["template", "--table", table, "-o", str(out), "--force"]) == 0


# ---------------------------------------------------------------- exit codes: a bug is never the user's file


def _broadcast_bug(*args, **kwargs):
    import numpy as np

    return np.ones(41) + np.ones((41, 4))  # the ValueError of issue 20, raised inside numpy


def test_an_internal_error_is_exit_3_with_a_report_file_not_a_verdict_on_the_file(samples, tmp_path, monkeypatch,
                                                                                    capsys):
    import zyfw_checks.engine as engine

    monkeypatch.setenv("ZYFW_CRASH_DIR", str(tmp_path / "crash"))
    monkeypatch.delenv("ZYFW_DEBUG", raising=False)
    monkeypatch.setattr(engine, "check_table", _broadcast_bug)
    assert main(["check", str(samples / "clean.xlsx")]) == 3
    err = capsys.readouterr().err
    assert "程序内部错误，您的文件没有问题" in err
    assert "Traceback" not in err and "broadcast" not in err and "无法检查" not in err
    reports = list((tmp_path / "crash").glob("zyfw-error-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in err
    assert "_broadcast_bug" in reports[0].read_text(encoding="utf-8")
    monkeypatch.setenv("ZYFW_DEBUG", "1")
    with pytest.raises(ValueError):
        main(["check", str(samples / "clean.xlsx")])


def test_the_users_file_usage_and_parameters_are_exit_2_in_chinese(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"garbage")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "无法检查" in err and "找不到表头行" in err and "程序内部错误" not in err


def test_broken_pipe_is_silent_and_ctrl_c_is_130(monkeypatch, capsys):
    import zyfw_checks.cli.check as check

    def pipe(args):
        raise BrokenPipeError

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(check, "cmd_rules", pipe)
    assert main(["rules"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(check, "cmd_rules", interrupt)
    assert main(["rules"]) == 130


def test_template_id_columns_stay_text_when_opened_by_libreoffice(tmp_path):
    """An 18-digit ID typed into the template must stay as typed: the ID and code columns are text ('@') in
    the file LibreOffice writes back, and the usual values come as drop-down lists from the params."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    from zyfw_checks.load import all_fields
    from zyfw_checks.templates import blank_template, choices, text_columns

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (scripts/setup.sh installs it)")
    src = tmp_path / "模板.xlsx"
    src.write_bytes(blank_template("records"))
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    wb = openpyxl.load_workbook(out / src.name)
    ws = wb["模板"]
    header = [c.value for c in ws[1]]
    assert {"证件号码", "联系电话", "记录编号", "志愿者编号"} <= set(text_columns("records"))
    fmt = {}  # LibreOffice writes runs of equal columns as one <col min max>
    for dim in list(ws.column_dimensions.values()):
        for i in range(dim.min, dim.max + 1):
            fmt[get_column_letter(i)] = dim.number_format
    for pos, name in enumerate(header, start=1):
        assert (fmt.get(get_column_letter(pos)) == "@") == (name in text_columns("records")), name
    lists = {}
    for dv in ws.data_validations.dataValidation:
        col = header[openpyxl.utils.cell.column_index_from_string(str(dv.sqref).split(":")[0].rstrip("0123456789")) - 1]
        lists[col] = dv.formula1.strip('"').split(",")
    specs = all_fields("records")
    for name in ("证件类型", "记录方式", "记录平台"):
        assert lists[name] == choices(specs[name]) and lists[name]
    assert "湖南志愿服务网" in lists["记录平台"] and "纸质" in lists["记录方式"]
    assert "填写说明" in wb.sheetnames and ws.max_row == 1


def test_check_reads_the_file_from_standard_input_with_a_dash(samples):
    """`zyfw check -` reads the bytes from standard input: the same findings as the file itself."""
    import json

    data = (samples / "problems_gbk.csv").read_bytes()
    piped = subprocess.run([*ZYFW, "check", "-", "--format", "json"], input=data, capture_output=True)
    direct = subprocess.run([*ZYFW, "check", str(samples / "problems_gbk.csv"), "--format", "json"], capture_output=True)
    assert piped.returncode == direct.returncode == 1, piped.stderr.decode()
    a, b = json.loads(piped.stdout), json.loads(direct.stdout)
    assert a["summary"]["source"] == "标准输入"
    strip = [{k: v for k, v in f.items() if k != "file"} for f in a["findings"]]
    assert strip == [{k: v for k, v in f.items() if k != "file"} for f in b["findings"]]
    assert a["summary"]["findings"] > 0 and {f["file"] for f in a["findings"]} == {"标准输入"}


def test_a_plain_value_error_is_the_kits_wherever_it_is_raised():
    """Only the kit's own error types are exit 2: a ValueError is a bug even when raised from code under
    cli/ or staff/ (the commands' checks raise UsageError/KitError instead)."""
    from pathlib import Path

    import zyfw_checks
    from zyfw_checks.cli import _is_user_error
    from zyfw_checks.errors import KitError, UsageError
    from zyfw_checks.params import ParamError
    from zyfw_checks.staff.batch import BatchError

    pkg = Path(zyfw_checks.__file__).parent
    for where in (pkg / "staff" / "batch.py", pkg / "cli" / "staff.py"):
        try:
            exec(compile("raise ValueError('日期看不懂')", str(where), "exec"))
        except ValueError as exc:
            assert exc.__traceback__ is not None and not _is_user_error(exc)
    for kind in (KitError, UsageError, ParamError, BatchError):
        assert issubclass(kind, KitError) and _is_user_error(kind("说明"))
    assert not issubclass(BatchError, ValueError) and issubclass(ParamError, KeyError)


_HEAVY_PROBE = """
import sys
import zyfw_checks.cli as c
c.build_parser()
for argv in sys.argv[1:]:
    try:
        c.main(argv.split())
    except SystemExit:
        pass
print(sorted(m for m in ("pandas", "numpy", "pyarrow") if m in sys.modules))
"""


def test_help_and_version_do_not_import_pandas():
    """Building the parser, ``zyfw --help``, ``zyfw --version`` and a command's --help stay light: pandas,
    numpy and pyarrow are imported only by the commands that use them."""
    r = subprocess.run([sys.executable, "-c", _HEAVY_PROBE, "--help", "--version", "check --help", "orgs --help",
                        "report --help"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
    r = subprocess.run([sys.executable, "-c", _HEAVY_PROBE, "rules"], capture_output=True, text=True, cwd=REPO)
    assert r.stdout.strip().splitlines()[-1] != "[]"  # the probe sees an import when there is one
