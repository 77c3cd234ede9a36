"""Business time: opening hours per weekday in a time zone, with closed days.

Pure arithmetic, no I/O. Every instant is an aware datetime; windows of opening hours are
built on the local calendar (so 09:00 is 09:00 on both sides of a clock change) and then
measured in UTC (so an hour is always sixty minutes of real time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib

Window = tuple[datetime, datetime]
Minutes = tuple[int, int]  # opening hours as minutes after local midnight: (open, close), close <= 1440

_CACHED_DAYS = 4096
_MAX_DAYS = 3 * 366  # a clock with no opening hours in three years is a configuration error


class NoOpeningHours(ValueError):
    """The calendar never opens within the horizon searched."""


class HolidayCalendar:
    """Closed days: public holidays from the `holidays` library (one or more country
    calendars, e.g. GB/ENG and GB/SCT, united) and the organisation's own closure days.

    Years are computed on first use and kept; the lock makes the first use of a year safe
    when requests run on several threads."""

    def __init__(self, calendars: Iterable[tuple[str, str | None]], closures: Iterable[date] = ()) -> None:
        self.calendars = tuple(calendars)
        self.closures = frozenset(closures)
        self._years: dict[int, frozenset[date]] = {}
        self._lock = threading.Lock()
        for country, subdivision in self.calendars:  # unknown ids fail now, at load, not on a request
            holidays_lib.country_holidays(country, subdiv=subdivision, years=[])

    def preload(self, years: Iterable[int]) -> HolidayCalendar:
        for year in years:
            self._dates(year)
        return self

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in self.closures or day in self._dates(day.year)

    def _dates(self, year: int) -> frozenset[date]:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = self._years.get(year)
                if found is None:
                    days: set[date] = set()
                    for country, subdivision in self.calendars:
                        days.update(holidays_lib.country_holidays(country, subdiv=subdivision, years=[year]))
                    found = self._years[year] = frozenset(days)
        return found


class BusinessClock:
    """Opening hours per weekday (0 = Monday) in `tz`, closed on the days `closed` holds."""

    def __init__(
        self,
        tz: ZoneInfo,
        week: Mapping[int, Sequence[Minutes]],
        closed: Callable[[date], bool] | HolidayCalendar | None = None,
    ) -> None:
        self.tz = tz
        self.week = {day: tuple(sorted(week.get(day, ()))) for day in range(7)}
        if isinstance(closed, HolidayCalendar):
            self._closed: Callable[[date], bool] = closed.__contains__
        else:
            self._closed = closed or (lambda day: False)
        self._windows: dict[date, tuple[Window, ...]] = {}
        self._years: dict[int, timedelta] = {}

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def windows(self, day: date) -> tuple[Window, ...]:
        """The day's opening hours as UTC instants (none on a closed day); kept per day, as
        the same few weeks are asked about again and again."""
        found = self._windows.get(day)
        if found is None:
            if len(self._windows) > _CACHED_DAYS:
                self._windows.clear()  # idempotent values: a race only recomputes
            found = self._windows[day] = self._compute_windows(day)
        return found

    def _compute_windows(self, day: date) -> tuple[Window, ...]:
        if self._closed(day):
            return ()
        midnight = datetime.combine(day, time(), tzinfo=self.tz)
        result = []
        for opens, closes in self.week[day.weekday()]:
            start = _wall(midnight, opens, self.tz)
            end = _wall(midnight, closes, self.tz)
            if end > start:
                result.append((start, end))
        return tuple(result)

    def is_open(self, moment: datetime) -> bool:
        moment = _utc(moment)
        return any(start <= moment < end for start, end in self.windows(self.local(moment).date()))

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of business time after `start` (in UTC). Zero from a closed
        moment is the next opening."""
        if amount < timedelta(0):
            raise ValueError("business time to add must not be negative")
        cursor, left = _utc(start), amount
        day = self.local(cursor).date()
        for _ in range(_MAX_DAYS):
            for opens, closes in self.windows(day):
                if closes <= cursor:
                    continue
                begin = max(cursor, opens)
                if left <= closes - begin:
                    return begin + left
                left -= closes - begin
            day += timedelta(days=1)
        raise NoOpeningHours(f"no opening hours within {_MAX_DAYS} days of {start.isoformat()}")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants; negative when `end` is before `start`."""
        begin, finish = _utc(start), _utc(end)
        if finish < begin:
            return -self.elapsed(end, start)
        total = timedelta(0)
        day, last = self.local(begin).date(), self.local(finish).date()
        while day <= last:
            if day.month == 1 and day.day == 1 and day > self.local(begin).date() and day.year < last.year:
                total += self._year(day.year)  # a whole calendar year inside the span
                day = day.replace(year=day.year + 1)
                continue
            for opens, closes in self.windows(day):
                overlap = min(closes, finish) - max(opens, begin)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def _year(self, year: int) -> timedelta:
        """Business time in a whole local calendar year, kept (a ticket years overdue)."""
        found = self._years.get(year)
        if found is None:
            found = timedelta(0)
            day = date(year, 1, 1)
            while day.year == year:
                found += sum((closes - opens for opens, closes in self._compute_windows(day)), timedelta(0))
                day += timedelta(days=1)
            self._years[year] = found
        return found

    def end_of_day(self, day: date) -> datetime:
        """Midnight after `day`, local, as UTC."""
        return _wall(datetime.combine(day, time(), tzinfo=self.tz), 24 * 60, self.tz)

    def longest_day(self) -> timedelta:
        return max(
            (sum((timedelta(minutes=c - o) for o, c in hours), timedelta(0)) for hours in self.week.values()),
            default=timedelta(0),
        )


def _wall(midnight: datetime, minutes: int, tz: ZoneInfo) -> datetime:
    """Local wall-clock time `minutes` after `midnight` (24:00 is the next midnight), in UTC.

    Adding a timedelta to an aware datetime moves the wall clock, which is what opening
    hours mean; a wall time skipped by the clock change resolves as zoneinfo's fold=0."""
    day, minute = divmod(minutes, 24 * 60)
    local = (midnight + timedelta(days=day)).replace(hour=minute // 60, minute=minute % 60, tzinfo=tz)
    return local.astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(UTC)
