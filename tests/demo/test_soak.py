"""The wall soak on the demo database, shortened: statements per refresh cycle do not grow with sessions."""

from __future__ import annotations

from bench import soak
def test_short_soak_shares_the_cache_and_keeps_memory_flat(app_env):
    result = soak.run_soak(app_env, cycles=24, compare_sessions=4, compare_cycles=6, warmup=6, progress=None)
    assert result["equal_for_1_and_n_sessions"], result
    assert sum(result["statements_per_cycle_1_session"]) > 0, "cycles reach the database after the cache expires"
    assert result["rss_growth_mb"] < 20, result
