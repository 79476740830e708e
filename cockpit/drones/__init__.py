"""无人机巡航 Drone patrol: data, coverage rules, charts and map layers."""
