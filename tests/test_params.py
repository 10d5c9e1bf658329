"""Parameter overrides (ZYFW_PARAMS_DIR) are validated against the shipped files: a typo, a missing key, a
wrong type or broken YAML gets one Chinese message naming the file, the key and what was expected (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from tests.conftest import REPO, SAMPLES
from zyfw_checks import params
from zyfw_checks.errors import KitError
from zyfw_checks.params_schema import ParamFileError, validate_override

THRESHOLDS = (params.PARAMS_DIR / "thresholds.yaml").read_text(encoding="utf-8")


@pytest.fixture
def override(tmp_path, monkeypatch):
    monkeypatch.setenv(params.ENV_OVERRIDE, str(tmp_path))

    def write(name: str, text: str):
        path = tmp_path / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _message(fn) -> str:
    with pytest.raises(ParamFileError) as info:
        fn()
    assert isinstance(info.value, KitError)
    return str(info.value)


def test_every_shipped_file_is_valid_against_itself():
    files = sorted(params.PARAMS_DIR.rglob("*.yaml"))
    assert len(files) > 20
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        validate_override(data, data, f)


def test_an_unchanged_copy_and_a_changed_value_are_accepted(override):
    override("thresholds", THRESHOLDS.replace("value: 24\n", "value: 20\n", 1))
    assert params.threshold("max_hours_per_day") == 20
    assert params.threshold("record_deadline_workdays") == 10


def test_a_misspelt_key_names_the_file_the_key_and_the_right_one(override):
    path = override("thresholds", THRESHOLDS.replace("record_deadline_workdays:", "record_deadline_workday:", 1))
    msg = _message(lambda: params.threshold("max_hours_per_day"))
    assert str(path) in msg and "values.record_deadline_workday" in msg and "record_deadline_workdays" in msg
    assert "KeyError" not in msg


def test_a_missing_key_is_named(override):
    text = THRESHOLDS.replace("        source: 一天只有24小时", "        sourc: 一天只有24小时", 1)
    msg = _message(lambda: (override("thresholds", text), params.threshold("max_hours_per_day")))
    assert "values.max_hours_per_day.series[1].sourc：" in msg and "是不是 source" in msg


def test_a_wrong_type_says_what_was_expected(override):
    override("thresholds", THRESHOLDS.replace("value: 24\n", "value: 二十四\n", 1))
    msg = _message(lambda: params.threshold("max_hours_per_day"))
    assert "values.max_hours_per_day.series[1].value" in msg and "应为数字" in msg and "二十四" in msg


def test_a_fraction_where_a_count_is_expected(override):
    override("thresholds", THRESHOLDS.replace("value: 24\n", "value: 24.5\n", 1))
    assert "应为整数" in _message(lambda: params.threshold("max_hours_per_day"))


def test_a_text_where_a_date_is_expected(override):
    override("thresholds", THRESHOLDS.replace("- since: 2023-09-07\n        value: 24",
                                              "- since: 2023年9月7日\n        value: 24", 1))
    msg = _message(lambda: params.threshold("max_hours_per_day"))
    assert ".since" in msg and "应为日期" in msg


def test_broken_yaml_gets_the_line(override):
    override("thresholds", THRESHOLDS.replace("value: 24\n", "value:24\n", 1))
    msg = _message(lambda: params.threshold("max_hours_per_day"))
    assert "不是有效的 YAML" in msg and "行" in msg and "thresholds.yaml" in msg


def test_a_lexicon_may_gain_words_but_not_unknown_sections(override):
    paid = (params.PARAMS_DIR / "lexicons" / "paid.yaml").read_text(encoding="utf-8")
    override("lexicons/paid", paid.replace("listed:\n", "listed:\n  游学营: 本地补充\n", 1))
    assert params.load_params("lexicons/paid")["listed"]["游学营"] == "本地补充"
    override("lexicons/paid", paid.replace("listed:\n", "lsted:\n", 1))
    msg = _message(lambda: params.load_params("lexicons/paid"))
    assert "lsted" in msg and "listed" in msg


def test_files_not_in_the_override_folder_come_from_the_kit(override):
    override("limits", (params.PARAMS_DIR / "limits.yaml").read_text(encoding="utf-8"))
    assert params.threshold("record_deadline_workdays") == 10  # thresholds.yaml not overridden


def test_the_command_line_gives_the_message_and_exit_2(tmp_path):
    (tmp_path / "thresholds.yaml").write_text(THRESHOLDS.replace("max_hours_per_day:", "max_hour_per_day:", 1),
                                              encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), params.ENV_OVERRIDE: str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "zyfw_checks.cli", "check", str(SAMPLES / "problems.xlsx")],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 2, out.stderr[-1500:]
    assert "max_hour_per_day" in out.stderr and "max_hours_per_day" in out.stderr
    assert "Traceback" not in out.stderr and "内部错误" not in out.stderr


def test_an_override_may_hold_only_the_value_it_changes(override):
    override("thresholds", "values:\n  max_hours_per_day:\n    series:\n"
                           "      - {since: 2023-09-07, value: 20, source: 本地规定}\n")
    assert params.threshold("max_hours_per_day") == 20
    assert params.threshold("record_deadline_workdays") == 10  # not in the override: the kit's value


def test_a_series_item_without_its_value_is_refused(override):
    override("thresholds", "values:\n  max_hours_per_day:\n    series:\n      - {since: 2023-09-07, source: 本地规定}\n")
    msg = _message(lambda: params.threshold("max_hours_per_day"))
    assert "values.max_hours_per_day.series[1].value" in msg and "缺少" in msg
