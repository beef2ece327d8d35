from trygg.areas.geo import area_index


def test_it_locates_a_point_in_a_sala_deso(sala):
    index = area_index(sala.id)
    import datetime

    assert index.locate(16.6357, 59.9211, datetime.date(2026, 1, 1)) is not None
    assert index.locate(18.0, 59.3, datetime.date(2026, 1, 1)) is None


def test_it_hides_sala_from_the_outsider(personas, login):
    assert login(personas["outsider"]).get("/k/1981/").status_code == 404
    assert login(personas["coordinator"]).get("/k/1981/").status_code == 200
