"""Official working days (State Council schedule incl. 调休 make-up days), vectorised.

Backed by ``chinese_calendar``; for a year it does not cover we say so instead of silently
counting weekends only: :meth:`WorkdayCalendar.covered` tells which dates can be trusted.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar
import numpy as np
import pandas as pd

# Keep the calendar span to what records can need; years outside are "not covered".
_FIRST = dt.date(2004, 1, 1)


def _last_covered() -> dt.date:
    # chinese_calendar raises NotImplementedError past its data; find its last year once.
    year = dt.date.today().year + 2
    while year > _FIRST.year:
        try:
            chinese_calendar.is_workday(dt.date(year, 12, 31))
            return dt.date(year, 12, 31)
        except NotImplementedError:
            year -= 1
    raise RuntimeError("chinese_calendar 没有任何年份的数据")


class WorkdayCalendar:
    """A day table: for every date from 2004 to two years past the data, is it a working day?"""

    def __init__(self) -> None:
        self.last_covered = _last_covered()
        end = dt.date(self.last_covered.year + 3, 12, 31)
        days = pd.date_range(_FIRST, end, freq="D")
        covered = days <= pd.Timestamp(self.last_covered)
        weekday = days.day_of_week < 5
        official = np.array(
            [chinese_calendar.is_workday(d) for d in days[covered].date], dtype=bool
        )  # one pass over ~8k calendar days, not over records
        work = weekday.copy()
        work[: len(official)] = official
        self.days = days.values.astype("datetime64[D]")
        self.work = work
        self.cum = np.cumsum(work)  # cum[i] = working days on or before days[i]
        self.coverage_note = (
            f"节假日数据（chinesecalendar {getattr(chinese_calendar, '__version__', '')}）"
            f"覆盖到 {self.last_covered.year} 年"
        )

    def _pos(self, dates: pd.Series) -> np.ndarray:
        d = pd.to_datetime(dates).values.astype("datetime64[D]")
        pos = (d - self.days[0]).astype("int64")
        return np.clip(pos, 0, len(self.days) - 1)

    def is_workday(self, dates: pd.Series) -> pd.Series:
        """True on official working days (调休 make-up days included). NaT → False."""
        pos = self._pos(dates.fillna(pd.Timestamp(_FIRST)))
        return pd.Series(self.work[pos], index=dates.index) & dates.notna()

    def covered(self, dates: pd.Series) -> pd.Series:
        return dates.notna() & (pd.to_datetime(dates) <= pd.Timestamp(self.last_covered))

    def add_workdays(self, dates: pd.Series, n: int) -> pd.Series:
        """The n-th working day strictly after each date (the date itself never counts)."""
        valid = dates.notna()
        pos = self._pos(dates.fillna(pd.Timestamp(_FIRST)))
        target = self.cum[pos] + n
        idx = np.searchsorted(self.cum, target, side="left")
        idx = np.clip(idx, 0, len(self.days) - 1)
        out = pd.Series(pd.to_datetime(self.days[idx]), index=dates.index)
        return out.where(valid)


    def workdays_between(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Working days strictly after ``start`` up to and including ``end`` (0 when end <= start).

        ``workdays_between(d, add_workdays(d, n)) == n``; NaT on either side gives NA.
        """
        valid = start.notna() & end.notna()
        a = self.cum[self._pos(start.fillna(pd.Timestamp(_FIRST)))]
        b = self.cum[self._pos(end.fillna(pd.Timestamp(_FIRST)))]
        out = pd.Series(np.maximum(b - a, 0), index=start.index, dtype="Int64")
        return out.where(valid)


@functools.cache
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar()
