"""Pinghu command-centre cockpit (平湖市综合行政执法局指挥中心驾驶舱)."""

__version__ = "0.1.0"
