"""The parking page in the naive pattern (raw rows into pandas), for the benchmark only."""
from bench import naive

naive.parking_page()
