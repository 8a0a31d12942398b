def test_health_is_public(api):
    res = api.call("GET", "/health")
    assert res.status_code == 200
    assert res.json_body == {"status": "ok"}


def test_signup_with_invite_returns_member_and_token(api, invite):
    res = api.call(
        "POST",
        "/auth/signup",
        {
            "invite_code": invite,
            "handle": "smoke_user1",
            "display_name": "花子",
            "password": "a-long-unusual-pass",
            "email": "s@example.com",
        },
    )
    assert res.status_code == 201, res.body
    me = api.call("GET", "/me", token=res.json_body["token"])
    assert me.status_code == 200, me.body
    assert me.json_body["display_name"] == "花子"
