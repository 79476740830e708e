"""Plans: one set of named queries and one build, loaded the same way by pages, the wall and the meeting."""

import pandas as pd

from cockpit import area


def _plan(tag: str) -> area.Plan:
    return area.Plan(calls={"a": (f"{tag}.a", {"x": 1}), "b": (f"{tag}.b", {"x": 2})},
                     build=lambda rows: (area.first(rows["a"]).get("v"), rows["b"]))


def test_sequential_runs_each_query_once_and_only_when_asked():
    calls = []

    def run(name, **params):
        calls.append((name, params))
        return pd.DataFrame({"v": [params["x"] * 10]})

    rows = area.sequential(run)(a=("q.a", {"x": 1}), b=("q.b", {"x": 2}))
    assert calls == []
    assert rows["a"]["v"].tolist() == [10] and rows["a"] is rows["a"]
    assert calls == [("q.a", {"x": 1})] and sorted(rows) == ["a", "b"] and len(rows) == 2


def test_load_many_fetches_every_plan_in_one_call():
    fetched = []

    def fetch(**calls):
        fetched.append(sorted(calls))
        return {k: (None if name.endswith(".b") else pd.DataFrame({"v": [params["x"]]}))
                for k, (name, params) in calls.items()}

    out = area.load_many(fetch, one=_plan("p"), two=_plan("q"))
    assert fetched == [["one.a", "one.b", "two.a", "two.b"]]
    assert out == {"one": (1, None), "two": (1, None)}
    assert area.load(fetch, _plan("p")) == (1, None)


def test_first_and_number_never_raise():
    assert area.first(None) == {} and area.first(pd.DataFrame({"v": []})) == {}
    assert area.number(None) is None and area.number(float("nan")) is None and area.number("x") is None
    assert area.number(3) == 3.0 and area.number(pd.NA) is None
