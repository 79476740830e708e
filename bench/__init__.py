"""Not the product: the benchmark harness, the naive comparison pages and the wall soak."""
