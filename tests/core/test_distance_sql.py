"""The contract's one distance (cockpit.distance_m) against the WGS-84 ellipsoid's own figures."""

import math

import sqlalchemy as sa


def _scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_metres_per_degree_at_pinghu(contract_db):
    # WGS-84 at 30.7°N: a degree of latitude is 110 864 m, a degree of longitude 95 802 m (to 1 m)
    lat = _scalar(contract_db, "SELECT cockpit.metres_per_degree_lat(30.7)")
    lon = _scalar(contract_db, "SELECT cockpit.metres_per_degree_lon(30.7)")
    assert round(lat) == 110864 and round(lon) == 95802
    # at the equator and the pole the series gives the ellipsoid's known values
    assert round(_scalar(contract_db, "SELECT cockpit.metres_per_degree_lat(0)")) == 110574
    assert round(_scalar(contract_db, "SELECT cockpit.metres_per_degree_lon(0)")) == 111319
    assert abs(_scalar(contract_db, "SELECT cockpit.metres_per_degree_lon(90)")) < 1e-6


def test_distance_is_symmetric_and_exact_on_the_axes(contract_db):
    north = _scalar(contract_db, "SELECT cockpit.distance_m(30.700, 121.000, 30.701, 121.000)")
    east = _scalar(contract_db, "SELECT cockpit.distance_m(30.700, 121.000, 30.700, 121.001)")
    back = _scalar(contract_db, "SELECT cockpit.distance_m(30.700, 121.001, 30.700, 121.000)")
    assert round(north, 2) == 110.86 and round(east, 2) == 95.80 and back == east
    diagonal = _scalar(contract_db, "SELECT cockpit.distance_m(30.700, 121.000, 30.701, 121.001)")
    assert math.isclose(diagonal, math.hypot(north, east), rel_tol=1e-5)  # the scale is taken at the mean latitude
    assert _scalar(contract_db, "SELECT cockpit.distance_m(30.7, 121.0, 30.7, 121.0)") == 0
    # nulls stay null (a row without a position is never "near")
    assert _scalar(contract_db, "SELECT cockpit.distance_m(NULL, 121.0, 30.7, 121.0)") is None
