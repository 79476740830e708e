"""服装城联勤 Clothing-market joint service: data, rules (roles, working time), charts and map layers."""
