"""Coded reasons: why a rule was not assessed (未评估) and why a row was set aside.

Codes are stable (like pandera's SchemaErrorReason) so views, tests and users can rely on
them; the Chinese label is what people read.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # a whole rule could not run
    MISSING_FIELD = "MISSING_FIELD"  # a column the rule needs is absent
    MISSING_TABLE = "MISSING_TABLE"  # a related table (e.g. the records for certificates) was not given
    # part of a rule's rows could not be assessed
    MASKED_VALUES = "MASKED_VALUES"  # the export masks the values the rule needs (430***********1234)
    OUT_OF_RANGE = "OUT_OF_RANGE"  # outside the period the other table covers
    UNCOVERED_YEAR = "UNCOVERED_YEAR"  # the holiday calendar does not cover the year
    UNREADABLE = "UNREADABLE"  # cells that could not be read (DAT003 lists them)
    SUMMARY_ONLY = "SUMMARY_ONLY"  # the data cannot show a breach (e.g. is the list complete?): a summary instead
    BLANK_FIELD = "BLANK_FIELD"  # a field the rule needs is blank or unreadable on these rows
    UNRECOGNISED_FIELD = "UNRECOGNISED_FIELD"  # a header looks like the field but was not recognised
    BEFORE_IN_FORCE = "BEFORE_IN_FORCE"  # the activity took place before the sentence took effect
    DATE_ONLY = "DATE_ONLY"  # only dates, no clock times: the part of a check that needs times was not done
    NO_ROWS = "NO_ROWS"  # no row could be assessed
    # rows set aside by the loader
    TOTAL_ROW = "TOTAL_ROW"  # 合计 / 总计 / 小计
    FOOTER_ROW = "FOOTER_ROW"  # 制表人 / 签字 / 审核人 footer lines
    BLANK_ROW = "BLANK_ROW"
    NOT_APPROVED = "NOT_APPROVED"  # 审核未通过 / 已驳回 / 已撤销
    SUMMARY_FILE = "SUMMARY_FILE"  # a per-person summary, not service records

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Reason.MISSING_FIELD: "缺少字段",
    Reason.MISSING_TABLE: "缺少对照表",
    Reason.MASKED_VALUES: "数值已打码，无法核对",
    Reason.OUT_OF_RANGE: "超出对照数据的时间范围",
    Reason.UNCOVERED_YEAR: "节假日数据未覆盖该年份",
    Reason.UNREADABLE: "单元格无法识别",
    Reason.SUMMARY_ONLY: "只作汇总提示",
    Reason.BLANK_FIELD: "所需字段为空或无法识别",
    Reason.UNRECOGNISED_FIELD: "表头未识别",
    Reason.BEFORE_IN_FORCE: "活动早于条文施行日期",
    Reason.DATE_ONLY: "只有日期、没有时刻",
    Reason.NO_ROWS: "没有可检查的行",
    Reason.TOTAL_ROW: "合计行",
    Reason.FOOTER_ROW: "表尾签字/制表行",
    Reason.BLANK_ROW: "空行",
    Reason.NOT_APPROVED: "未通过审核或已撤销",
    Reason.SUMMARY_FILE: "按人汇总的文件，不是服务记录",
}
