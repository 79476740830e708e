"""违停 Parking: data, the 10-minute and first-violation rules, charts and map layers."""
