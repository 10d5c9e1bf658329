"""The export corpus (data/samples/exports/): every planted problem is reported once at its Excel row,
compliant rows stay silent, absent columns are one 未评估 line, the wrong files are refused by name."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest
import yaml

from tests.conftest import SAMPLES
from zyfw_checks.engine import check_table
from zyfw_checks.load import LoadError, load_table

EXPORTS = SAMPLES / "exports"
MANIFEST = yaml.safe_load((EXPORTS / "manifest.yaml").read_text(encoding="utf-8"))
EXPECTED = pd.read_csv(EXPORTS / "expected.csv")
READABLE = [n for n, spec in MANIFEST.items() if "error" not in spec]
REFUSED = [n for n, spec in MANIFEST.items() if "error" in spec]


def test_corpus_has_at_least_eight_shapes():
    assert len(MANIFEST) >= 18
    assert all((EXPORTS / n).exists() for n in MANIFEST)


@pytest.mark.parametrize("name", READABLE)
def test_every_planted_problem_is_reported_once_at_its_row(name):
    res = check_table(load_table(EXPORTS / name))
    got = res.findings[["row", "rule", "severity"]]
    assert not got.duplicated(["row", "rule"]).any()
    want = EXPECTED[EXPECTED["file"] == name][["row", "rule", "severity"]]
    assert sorted(map(tuple, got.values.tolist())) == sorted(map(tuple, want.values.tolist()))


@pytest.mark.parametrize("name", READABLE)
def test_absent_columns_and_masked_values_are_said_once(name):
    res = check_table(load_table(EXPORTS / name))
    status = res.rule_status().set_index("code")
    partial = MANIFEST[name].get("partial", {})
    for code, reason in partial.items():
        assert status.loc[code, "status"] in ("部分未评估", "有问题")
        assert status.loc[code, "reason_code"] == reason
    # no finding merely says that a column is absent
    assert not res.findings["message"].str.contains("表中没有").any()


@pytest.mark.parametrize("name", READABLE)
def test_layout_rows_units_and_header_as_planted(name):
    spec = MANIFEST[name]
    t = load_table(EXPORTS / name)
    assert t.header_row == spec["header_row"]
    assert t.skipped_counts() == spec.get("skipped", {})
    for field, unit in spec.get("units", {}).items():
        assert t.units[field] == unit
    assert t.unrecognised == spec.get("unrecognised", {})
    status = dict(zip(t.columns["header"], t.columns["status"], strict=True))
    assert all(status[h] == "未识别，可手动指定" for h in t.unrecognised.values())
    mapping = t.describe()["columns"]
    assert all({"column", "header", "field", "unit", "status"} <= set(c) for c in mapping)


@pytest.mark.parametrize("name", REFUSED)
def test_wrong_files_are_refused_with_what_to_download(name):
    with pytest.raises(LoadError) as err:
        load_table(EXPORTS / name)
    assert err.value.code == MANIFEST[name]["error"]
    assert MANIFEST[name].get("message", "服务记录明细") in str(err.value)


@pytest.mark.parametrize("name", READABLE)
def test_uploaded_bytes_give_the_same_findings(name):
    """The app reads the uploaded bytes with the file's name: same findings as from the path."""
    path = EXPORTS / name
    a = check_table(load_table(path)).findings
    b = check_table(load_table(path.read_bytes(), name=name)).findings
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_corpus_regenerates_byte_for_byte(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_exports", SAMPLES.parents[1] / "tools" / "make_exports.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(tmp_path)
    names = sorted(p.name for p in EXPORTS.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    match, mismatch, errors = filecmp.cmpfiles(EXPORTS, tmp_path, names, shallow=False)
    assert not mismatch and not errors
