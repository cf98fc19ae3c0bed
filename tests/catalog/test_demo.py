"""The demo data seeder."""


def test_demo_catalog_and_viewers(app, client):
    from app.catalog.demo import seed_catalog
    from app.playback.demo import DEMO_PASSWORD, seed_viewers

    with app.app_context():
        assert seed_catalog() >= 60
        assert seed_viewers() == 3
        assert seed_catalog() == 0 and seed_viewers() == 0  # idempotent
    listing = client.get("/api/v1/content?type=series&perPage=100").get_json()
    assert listing["meta"]["total"] >= 15
    series = client.get(f"/api/v1/content/{listing['data'][0]['id']}").get_json()["data"]
    assert series["seasons"] and series["seasons"][0]["episodes"]
    found = client.get("/api/v1/content/search?q=inter").get_json()["data"]
    assert found[0]["title"] == "Interstellar"
    login = client.post("/api/v1/auth/login", json={"email": "viewer@marquee.local", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {login.get_json()['data']['accessToken']}"}
    assert client.get("/api/v1/users/me/history", headers=headers).get_json()["meta"]["total"] >= 4
    rows = client.get("/api/v1/content/catalog", headers=headers).get_json()["data"]["rows"]
    assert rows[0]["id"] == "continue-watching" and rows[0]["items"]
    assert {row["id"] for row in rows} >= {"trending", "new-releases", "genre-drama"}
    sources = client.get(f"/api/v1/content/{found[0]['id']}/sources").get_json()["data"]
    assert sources[0]["mediaId"] == "157336"
