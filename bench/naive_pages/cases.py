"""The grid-cases page in the naive pattern (raw rows into pandas), for the benchmark only."""
from bench import naive

naive.cases_page()
