"""The grid-cases page in the naive pattern (raw rows into pandas), for the benchmark only."""
from cockpit import naive

naive.cases_page()
