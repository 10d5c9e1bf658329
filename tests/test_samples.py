"""The bundled samples: every planted problem reported once at its row; the clean sample has none."""

import pandas as pd
import pytest

from tools.samples import synthetic_records, write_samples
from zyfw_checks.engine import check_file


@pytest.fixture(scope="module")
def expected(request):
    from tests.conftest import SAMPLES

    return pd.read_csv(SAMPLES / "problems_expected.csv", encoding="utf-8-sig")


def test_clean_sample_has_no_findings(samples):
    res = check_file(samples / "clean.xlsx")
    assert res.findings.empty, res.findings[["rule", "row", "message"]].to_string()
    assert res.not_assessed == []


@pytest.mark.parametrize(
    ("name", "row_col"),
    [("problems.xlsx", "xlsx_row"), ("problems_gbk.csv", "csv_row"), ("problems_multisheet.xlsx", "multisheet_row")],
)
def test_each_planted_problem_once_at_its_row(samples, expected, name, row_col):
    res = check_file(samples / name)
    got = sorted(zip(res.findings["row"].astype(int), res.findings["rule"], strict=True))
    want = sorted(zip(expected[row_col].astype(int), expected["rule"], strict=True))
    assert got == want
    assert res.findings["clause"].str.startswith("湘民发〔2023〕29号").all()


def test_generator_is_deterministic(tmp_path, samples):
    write_samples(tmp_path)
    a = pd.read_excel(tmp_path / "problems.xlsx", header=1, engine="calamine")
    b = pd.read_excel(samples / "problems.xlsx", header=1, engine="calamine")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(synthetic_records(500, seed=3), synthetic_records(500, seed=3))


def test_template_has_every_canonical_field(samples):
    from zyfw_checks.load import field_specs

    t = pd.read_excel(samples / "template.xlsx", engine="calamine")
    assert list(t.columns) == list(field_specs("records"))
    assert t.empty  # records from row 2; how to fill each column is on the sheet 填写说明
    notes = pd.read_excel(samples / "template.xlsx", engine="calamine", sheet_name="填写说明")
    assert notes["列名"].tolist() == list(t.columns) and notes["填写说明"].notna().all()


def test_app_demo_files_are_the_samples():
    """The app ships copies of three sample files as package data; they must not drift from data/samples/."""
    from tests.conftest import SAMPLES
    from zyfw_checks.params import demo_file

    for name in ("problems.xlsx", "orgs.xlsx", "staff.xlsx"):
        assert demo_file(name).read_bytes() == (SAMPLES / name).read_bytes(), name


def test_book_template_is_the_one_the_app_and_cli_give(samples):
    """The guide's download, the app's link and `zyfw template` hand out the same file."""
    from zyfw_checks.templates import blank_template

    assert (samples / "template.xlsx").read_bytes() == blank_template("records")
