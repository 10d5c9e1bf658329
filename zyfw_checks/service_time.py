"""One service-time model: each record's interval, computed once per run and read by every rule.

The loader parses cells (dates, clock times, ranges, hours). This module decides what a record's
service time *is*, in one place, so that REC002, REC004, ACT001, DAT002 and the certificate rules agree:

- ``start`` / ``end``: the interval as well as the record shows it. When only dates are known the
  times are midnight and ``clock`` is False (a date-only row is a missing clock time, never a
  "0-hour" span).
- ``overnight``: clock times that cross midnight on one 服务日期 (22:00–01:00) end the next day.
  The loader moves the end when it joins a bare time to 服务日期 and says so in
  ``Table.time_flags["overnight"]``; for full date-times typed on one day with the end earlier,
  a wrap of at most ``overnight_max_hours`` is read as overnight, a longer one stays reversed.
- ``days``: the calendar days the record covers (a 3-day flood watch is 3); ``hours_per_day`` spreads
  the recorded hours over them before any daily cap.
- ``activity_day``: the day the activity took place (start, else 服务日期 / 开始日期, else the end):
  what "before the text took effect" is measured on. ``end_day`` and ``end_source``: the day the
  activity ended and the header it came from (for the 10-working-day deadline).
- ``org``: the organisation that recorded the row (组织单位), for telling one organisation's
  records from another's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zyfw_checks.params import threshold

COLUMNS = [
    "start", "end", "clock", "date_only", "overnight", "reversed", "days", "span_h", "hours",
    "hours_per_day", "activity_day", "end_day", "end_source", "org",
]
_NAT = "datetime64[us]"


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return pd.to_datetime(df[name], errors="coerce").astype(_NAT)
    return pd.Series(pd.NaT, index=df.index, dtype=_NAT)


def _flag(table, key: str, default: pd.Series) -> pd.Series:
    flags = getattr(table, "time_flags", None) or {}
    given = flags.get(key)
    if given is None:
        return default
    return pd.Series(np.asarray(given, dtype=bool), index=default.index) if len(given) == len(default) else default


def _first(*series: pd.Series) -> pd.Series:
    out = series[0]
    for s in series[1:]:
        out = out.fillna(s)
    return out


def intervals(table) -> pd.DataFrame:
    """The service-time model of ``table`` (a loaded records Table): one row per record, ``COLUMNS``."""
    df = table.df
    start, end = _col(df, "开始时间"), _col(df, "结束时间")
    day, start_date, end_date = _col(df, "服务日期"), _col(df, "开始日期"), _col(df, "结束日期")
    # clock times: the loader says which cells gave one; otherwise a time of 00:00 means none was given
    start_clock = _flag(table, "start_clock", start.notna() & (start != start.dt.normalize()))
    end_clock = _flag(table, "end_clock", end.notna() & (end != end.dt.normalize()))
    clock = start_clock & end_clock & start.notna() & end.notna()

    overnight = _flag(table, "overnight", pd.Series(False, index=df.index)) & clock
    wrap_h = float(threshold("overnight_max_hours"))
    wrapped = clock & ~overnight & (end < start) & (start.dt.normalize() == end.dt.normalize())
    wrapped &= ((end + pd.Timedelta(days=1)) - start) <= pd.Timedelta(hours=wrap_h)
    end = end.where(~wrapped, end + pd.Timedelta(days=1))
    overnight = overnight | wrapped
    reversed_ = clock & (end < start)

    first_day = _first(start.dt.normalize(), start_date, day, end.dt.normalize(), end_date)
    last_day = _first(end.dt.normalize(), end_date, day, start.dt.normalize(), start_date)
    if overnight.any():  # the service is dated by its start; the end's next day is not another day of service
        last_day = last_day.where(~overnight, start.dt.normalize())
    last_day = last_day.where(~(last_day < first_day), first_day)
    days = ((last_day - first_day).dt.days + 1).astype("Float64")
    date_only = ~clock & first_day.notna()

    span_h = ((end - start).dt.total_seconds() / 3600).where(clock & ~reversed_)
    hours = (pd.to_numeric(df["服务时长(小时)"], errors="coerce").astype("float64")
             if "服务时长(小时)" in df.columns else pd.Series(np.nan, index=df.index))
    hours_per_day = hours / days.astype("float64")

    end_day, source = pd.Series(pd.NaT, index=df.index, dtype=_NAT), pd.Series(pd.NA, index=df.index, dtype="string")
    for col, values in (("结束时间", end.dt.normalize()), ("结束日期", end_date),
                        ("服务日期", day)):
        if col in df.columns:
            take = end_day.isna() & values.notna()
            end_day = end_day.where(~take, values)
            source = source.where(~take, table.mapping.get(col, col))
    org = (df["组织单位"].astype("string[pyarrow]") if "组织单位" in df.columns
           else pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]"))
    return pd.DataFrame({
        "start": start, "end": end, "clock": clock, "date_only": date_only, "overnight": overnight,
        "reversed": reversed_, "days": days, "span_h": span_h, "hours": hours, "hours_per_day": hours_per_day,
        "activity_day": first_day, "end_day": end_day, "end_source": source, "org": org,
    }, index=df.index)


def per_day(iv: pd.DataFrame, key: pd.Series, max_days: int = 366) -> pd.DataFrame:
    """Each record's hours spread over the days it covers: one row per (record, day), vectorised.

    Columns: ``pos`` (the record's position), ``key`` (the volunteer), ``day``, ``hours``.
    A record with both clock times gives each day its share of the interval (08:00 on the 1st to
    18:00 on the 3rd: 16 of 58 hours fall on the 1st); a date-only record is spread evenly. An
    overnight record stays on its service date. A record longer than ``max_days`` is spread over
    its first ``max_days`` days only.
    """
    ok = iv["activity_day"].notna() & iv["hours"].notna() & key.notna()
    pos = np.flatnonzero(ok.to_numpy())
    n = iv["days"].to_numpy(dtype="float64", na_value=1.0)[pos].clip(1, max_days).astype("int64")
    rep = np.repeat(pos, n)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(n) - n, n)
    first = iv["activity_day"].to_numpy().astype("datetime64[us]")[rep]
    day = first + offset.astype("timedelta64[D]")
    hours = iv["hours"].to_numpy(dtype="float64", na_value=np.nan)[rep]
    timed = (iv["clock"].to_numpy(dtype=bool) & ~iv["reversed"].to_numpy(dtype=bool)
             & ~iv["overnight"].to_numpy(dtype=bool))[rep] & (n[np.repeat(np.arange(len(pos)), n)] > 1)
    weight = np.ones(len(rep))
    if timed.any():
        s = iv["start"].to_numpy().astype("datetime64[us]")[rep]
        e = iv["end"].to_numpy().astype("datetime64[us]")[rep]
        lo = np.maximum(s, day)
        hi = np.minimum(e, day + np.timedelta64(1, "D"))
        share = np.clip((hi - lo) / np.timedelta64(1, "s"), 0, None)
        weight = np.where(timed, share, weight)
    total = np.bincount(np.repeat(np.arange(len(pos)), n), weights=weight, minlength=len(pos))
    total = np.repeat(total, n)
    frac = np.where(total > 0, weight / np.where(total > 0, total, 1), 1.0 / np.repeat(n, n))
    return pd.DataFrame({
        "pos": rep,
        "key": key.to_numpy()[rep],
        "day": day,
        "hours": hours * frac,
    })
