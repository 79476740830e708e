"""网格案件 Grid cases: data, rules, charts and map layers of the closed-loop case workflow."""
