"""How an area's data is asked for: a `Plan` is the named queries of one figure set and the pure function
that turns their rows into a typed result.

Every area's `data` module offers plans (e.g. `cockpit.waste.data.today(town)`); the area page, the
overview, the wall and the weekly meeting all load the same plan, so none of them computes a figure
another already defines. Loading takes a `fetch`: `Context.start` on a page (the queries run side by side
through the shared cache), `sequential(run)` where only a one-query runner is at hand (the wall's views,
the meeting). Several plans load in one fetch with `load_many`, so the overview's areas still run in
parallel.

A query that failed gives None for its rows; a plan's build must accept that and return a result whose
figures are None (shown as "—"), never raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Mapping, TypeVar

import pandas as pd

T = TypeVar("T")
Rows = Mapping[str, "pd.DataFrame | None"]
Fetch = Callable[..., Rows]           # fetch(key=(query name, params), ...) -> {key: rows or None}
Runner = Callable[..., "pd.DataFrame | None"]  # run(query name, **params) -> rows or None


@dataclass(frozen=True)
class Plan(Generic[T]):
    calls: dict[str, tuple[str, dict]]
    build: Callable[[Rows], T]


def load(fetch: Fetch, plan: Plan[T]) -> T:
    """Run a plan's queries through `fetch` and build its result."""
    return plan.build(fetch(**plan.calls))


def calls_of(**plans: Plan) -> dict[str, tuple[str, dict]]:
    """The queries of several plans as one fetch asks them: {"<plan>.<key>": (query name, params)}."""
    return {f"{name}.{key}": call for name, plan in plans.items() for key, call in plan.calls.items()}


def load_many(fetch: Fetch, **plans: Plan) -> dict[str, object]:
    """Several plans in one fetch (their queries started together); {plan key: result}."""
    rows = fetch(**calls_of(**plans))
    return {name: plan.build(_Prefixed(rows, name)) for name, plan in plans.items()}


def sequential(run: Runner) -> Fetch:
    """A fetch over a one-query runner: each call is run when its rows are first asked for."""
    def fetch(**calls: tuple[str, dict]) -> Rows:
        return _Lazy(run, calls)
    return fetch


class _Lazy(Mapping):
    def __init__(self, run: Runner, calls: dict[str, tuple[str, dict]]):
        self._run, self._calls, self._rows = run, calls, {}

    def __getitem__(self, key: str):
        if key not in self._rows:
            name, params = self._calls[key]
            self._rows[key] = self._run(name, **params)
        return self._rows[key]

    def __iter__(self):
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)


class _Prefixed(Mapping):
    def __init__(self, rows: Rows, prefix: str):
        self._rows, self._prefix = rows, prefix + "."

    def __getitem__(self, key: str):
        return self._rows[self._prefix + key]

    def __iter__(self):
        return (k[len(self._prefix):] for k in self._rows if k.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def first(rows: pd.DataFrame | None) -> dict:
    """A one-row result as a dict ({} when it failed or is empty)."""
    if rows is None or rows.empty:
        return {}
    return rows.iloc[0].to_dict()


def number(value) -> float | None:
    """A figure as a float, or None for null/NaN/missing."""
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out
