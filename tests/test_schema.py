"""One finding schema: every output validates against the published JSON Schema and says which kit,
schema and parameter set produced it; the streamed JSON equals the document built in memory."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import jsonschema
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import records
from tools.samples import SAMPLES
from zyfw_checks import __version__
from zyfw_checks.engine import FINDING_COLUMNS, check_table
from zyfw_checks.load import load_frame
from zyfw_checks.report import excel, html, jsonl, jsonout, parquet, schema
from zyfw_checks.report import text as text_view

TRICKY = '引号"与\\反斜杠\n换行\t制表\x01控制\x08退格'


@pytest.fixture(scope="module")
def result():
    edits = [{"服务时长(小时)": 9}, {"服务评价": None, "记录平台": TRICKY}, {"记录时间": "2024-05-30 10:00"},
             {"记录平台": "某公益小程序"}, *[{"服务时长(小时)": 7, "服务评价": None}] * 6]
    return check_table(load_frame(records(*edits)))


def _validator(s: dict):
    cls = jsonschema.validators.validator_for(s)
    cls.check_schema(s)
    return cls(s, format_checker=cls.FORMAT_CHECKER)


def _expect_provenance(obj: dict) -> None:
    assert obj["schema_version"] == schema.SCHEMA_VERSION
    assert obj["kit_version"] == __version__
    assert obj["params_date"] == schema.params_date() and len(obj["params_date"]) == 10


def test_the_schema_is_valid_and_ships_with_the_package():
    s = schema.schema()
    jsonschema.Draft202012Validator.check_schema(s)
    assert s["properties"]["findings"]["items"] == {"$ref": "#/$defs/finding"}
    assert set(s["$defs"]["finding"]["required"]) == set(schema.finding_keys())
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["zyfw_checks"]
    assert any(Path("report/finding.schema.json").match(p) for p in patterns)


def test_a_finding_has_the_engine_columns_the_file_and_provenance():
    assert schema.finding_keys() == ["file", *FINDING_COLUMNS, *schema.PROVENANCE]


def test_jsonl_lines_validate_and_carry_the_version(result, tmp_path):
    jsonl.write(result, tmp_path / "f.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(result.findings) > 10
    v = _validator(schema.finding_schema())
    for line in lines:
        v.validate(line)
        _expect_provenance(line)
        assert list(line) == schema.finding_keys()
        assert line["file"] == result.table.source


def test_json_document_validates_and_carries_the_version(result):
    doc = json.loads(jsonout.render(result))
    _validator(schema.schema()).validate(doc)
    _expect_provenance(doc)
    assert [list(x) for x in doc["findings"]] == [schema.finding_keys()] * len(result.findings)
    assert doc["findings"] == [json.loads(x) for x in jsonl.render(result).splitlines()]  # one shape


def test_a_finding_that_breaks_the_schema_is_caught(result):
    v = _validator(schema.finding_schema())
    line = json.loads(jsonl.render(result).splitlines()[0])
    for bad in ({**line, "row": "2"}, {**line, "severity": "严重"}, {**line, "extra": 1},
                {k: x for k, x in line.items() if k != "kit_version"}):
        with pytest.raises(jsonschema.ValidationError):
            v.validate(bad)


def _old_document(result) -> dict:
    """The document as the in-memory JSON view built it (kept here as the reference the streamed
    writer is compared with), plus the keys the schema added."""
    from zyfw_checks import penalties

    f = result.findings
    keys = [k for k in schema.finding_keys() if k in f.columns]
    findings = f[keys].astype(object).where(f[keys].notna(), None).to_dict("records")
    prov = schema.provenance()
    for item in findings:
        item["row"] = int(item["row"])
        item.update(file=result.table.source, **prov)
    status = result.rule_status()
    return {
        **prov,
        "findings": findings,
        "rule_status": status.astype(object).where(status.notna(), None).to_dict("records"),
        "not_assessed": [{"rule": n["rule"], "reason_code": n["reason_code"], "reason": n["reason"]}
                         for n in result.skipped],
        "file": result.table.describe(),
        "summary": result.summary(),
        "notes": result.notes,
        "penalties": {**penalties.header(), "articles": penalties.reference(f)} if len(f) else {},
    }


@pytest.mark.parametrize("chunk", [3, 25_000])
def test_streamed_json_equals_the_in_memory_document(result, monkeypatch, chunk):
    monkeypatch.setattr(jsonl, "CHUNK", chunk)  # many chunks, built on threads, written in order
    streamed = json.loads(jsonout.render(result))
    old = json.loads(json.dumps(_old_document(result), ensure_ascii=False, indent=2, default=str))
    assert streamed == old
    assert any(TRICKY in (x["message"] or "") + (x["evidence"] or "") for x in streamed["findings"])


def test_empty_result_is_a_valid_document():
    from zyfw_checks.load import load_table

    res = check_table(load_table(SAMPLES / "clean.xlsx"))
    if len(res.findings):
        pytest.skip("the clean sample has findings from rules added later")
    doc = json.loads(jsonout.render(res))
    _validator(schema.schema()).validate(doc)
    assert doc["findings"] == []


def test_parquet_rows_validate_and_the_file_carries_the_version(result, tmp_path):
    parquet.write(result, tmp_path / "f.parquet")
    t = pq.read_table(tmp_path / "f.parquet")
    assert t.column_names == schema.finding_keys()
    v = _validator(schema.finding_schema())
    for row in t.to_pylist():
        v.validate(row)
        _expect_provenance(row)
    _expect_provenance(json.loads(t.schema.metadata[parquet.META_KEY]))


def test_terminal_xlsx_and_html_show_the_version(result):
    footer = schema.footer()
    assert __version__ in footer and schema.params_date() in footer and schema.SCHEMA_VERSION in footer
    assert text_view.render(result).rstrip().endswith(footer)
    book = openpyxl.load_workbook(io.BytesIO(excel.render(result)))
    facts = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r[0]}
    assert facts["检查工具"] == f"zyfw_checks {__version__}"
    assert facts["参数版本"] == schema.params_date() and facts["结果格式版本"] == schema.SCHEMA_VERSION
    assert footer in html.render(result)


def test_params_date_follows_an_override_folder(tmp_path, monkeypatch):
    import datetime as dt

    from zyfw_checks import params

    built_in = schema.params_date()
    day = dt.date.today().isoformat()
    assert built_in < day or built_in == day
    (tmp_path / "extra.yaml").write_text(f"values:\n  x:\n    series:\n      - since: {day}\n        value: 1\n",
                                         encoding="utf-8")
    monkeypatch.setenv(params.ENV_OVERRIDE, str(tmp_path))
    assert schema.params_date() == day
    (tmp_path / "extra.yaml").write_text("values:\n  x:\n    series:\n      - since: 2999-01-01\n        value: 1\n",
                                         encoding="utf-8")
    schema._newest_since.cache_clear()
    assert schema.params_date() == built_in  # a date ahead is not in force yet


def test_folder_outputs_have_the_same_shape(tmp_path):
    pytest.importorskip("duckdb")
    from zyfw_checks.staff import batch

    d = tmp_path / "in"
    d.mkdir()
    df = records({"服务时长(小时)": 9}, {"服务评价": None, "记录平台": TRICKY}, {"记录平台": "某公益小程序"})
    df.to_csv(d / "a.csv", index=False)
    v = _validator(schema.finding_schema())
    for fmt in ("jsonl", "parquet"):
        out = tmp_path / f"o.{fmt}"
        batch.run_folder(d, out, fmt, batch.Options(progress=False))
        rows = ([json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()] if fmt == "jsonl"
                else pq.read_table(out).to_pylist())
        assert len(rows) >= 3
        for row in rows:
            v.validate(row)
            _expect_provenance(row)
            assert list(row) == schema.finding_keys() and row["file"] == "a.csv"
    ref = pd.DataFrame([json.loads(x) for x in jsonl.render(check_table(load_frame(df))).splitlines()])
    got = pd.DataFrame([json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()])
    cols = [c for c in schema.finding_keys() if c not in ("file", "sheet")]
    pd.testing.assert_frame_equal(got[cols], ref[cols])


def test_cli_json_to_stdout_and_file_are_the_same_document(tmp_path):
    src = SAMPLES / "problems.xlsx"
    out = tmp_path / "r.json"
    cmd = [sys.executable, "-m", "zyfw_checks.cli", "check", str(src), "--format", "json"]
    printed = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    saved = subprocess.run([*cmd, "-o", str(out)], capture_output=True, text=True, encoding="utf-8")
    assert printed.returncode == saved.returncode == 1, printed.stderr  # the sample has 违规
    a, b = json.loads(printed.stdout), json.loads(out.read_text(encoding="utf-8"))
    _validator(schema.schema()).validate(a)
    assert a["findings"] == b["findings"] and a["kit_version"] == __version__
    assert schema.footer() in saved.stderr

