"""Verified companies and their staff: who may register, name staff, make a community official."""

from __future__ import annotations

from content_helpers import create_community, create_company, name_staff


def test_admin_registers_a_company(api, admin, new_member):
    company = create_company(api, admin, name="任天堂ファンクラブ株式会社")
    assert company["name"] == "任天堂ファンクラブ株式会社" and company["website"] == "https://games.example.jp"
    got = api.call("GET", f"/companies/{company['id']}", token=new_member().token)
    assert got.status_code == 200 and got.json_body == company


def test_member_cannot_register_a_company(api, new_member):
    res = api.call(
        "POST", "/companies", {"name": "偽物商事", "website": "https://fake.example.jp"}, token=new_member().token
    )
    assert res.status_code == 403 and res.json_body["error"]["code"] == "admin_only"


def test_bad_company_input_is_rejected(api, admin):
    for body in (
        {"name": "", "website": "https://a.example"},
        {"name": "x", "website": "javascript:alert(1)"},
        {"name": "x"},
    ):
        assert api.call("POST", "/companies", body, token=admin.token).status_code == 400, body
    res = api.call("PUT", "/companies/x/staff/y", {"role": "ceo"}, token=admin.token)
    assert res.status_code == 400 and res.json_body["error"]["details"][0]["path"] == "role"


def test_admin_names_the_owner_and_the_owner_names_staff(api, admin, new_member):
    company = create_company(api, admin)
    owner, agent = new_member(display_name="社長"), new_member()
    res = name_staff(api, admin, company["id"], owner, "owner")
    assert res.status_code == 200 and res.json_body == {**res.json_body, "handle": owner.handle, "role": "owner"}
    assert res.json_body["display_name"] == "社長"
    assert name_staff(api, owner, company["id"], agent, "agent").json_body["role"] == "agent"
    assert name_staff(api, owner, company["id"], agent, "advertiser").json_body["role"] == "advertiser"
    assert api.call("DELETE", f"/companies/{company['id']}/staff/{agent.handle}", token=owner.token).status_code == 204
    assert api.call("DELETE", f"/companies/{company['id']}/staff/{agent.handle}", token=owner.token).status_code == 204


def test_only_admin_or_company_owner_manage_staff(api, admin, new_member):
    company = create_company(api, admin)
    owner, agent, outsider, victim = new_member(), new_member(), new_member(), new_member()
    name_staff(api, admin, company["id"], owner, "owner")
    name_staff(api, owner, company["id"], agent, "agent")
    for actor in (agent, outsider):
        res = name_staff(api, actor, company["id"], victim, "agent")
        assert res.status_code == 403 and res.json_body["error"]["code"] == "not_company_owner"
        res = api.call("DELETE", f"/companies/{company['id']}/staff/{agent.handle}", token=actor.token)
        assert res.status_code == 403
    # an outsider cannot make themselves staff either
    assert name_staff(api, outsider, company["id"], outsider, "owner").status_code == 403
    # another company's owner is not this company's owner
    other = create_company(api, admin, name="別会社")
    assert name_staff(api, owner, other["id"], victim, "agent").status_code == 403


def test_unknown_company_or_member_is_404(api, admin, new_member):
    company = create_company(api, admin)
    m = new_member()
    assert name_staff(api, admin, "no-such-company", m, "agent").status_code == 404
    res = api.call("PUT", f"/companies/{company['id']}/staff/nobody_at_all", {"role": "agent"}, token=admin.token)
    assert res.status_code == 404
    assert api.call("GET", "/companies/no-such-company", token=m.token).status_code == 404
    assert api.call("GET", "/companies/no-such-company/metrics", token=m.token).status_code == 404


def test_staff_create_the_official_community(api, admin, new_member):
    company = create_company(api, admin, name="株式会社DSソフト")
    agent = new_member()
    name_staff(api, admin, company["id"], agent, "agent")
    community = create_community(api, agent, name="株式会社DSソフト 公式", company_id=company["id"])
    assert community["official"] is True
    assert community["company"] == {"id": company["id"], "name": "株式会社DSソフト"}
    listed = api.call("GET", "/communities?category=games&sort=new&limit=5", token=agent.token).json_body["items"]
    assert any(c["id"] == community["id"] and c["official"] for c in listed)


def test_member_cannot_make_a_community_official(api, admin, new_member):
    company = create_company(api, admin)
    member = new_member()
    before = api.call("GET", "/stats", token=member.token).json_body["communities"]
    body = {"name": "なりすまし公式", "category": "games", "company_id": company["id"]}
    res = api.call("POST", "/communities", body, token=member.token)
    assert res.status_code == 403 and res.json_body["error"]["code"] == "not_company_staff"
    res = api.call("POST", "/communities", {**body, "company_id": "no-such-company"}, token=member.token)
    assert res.status_code == 404
    assert api.call("GET", "/stats", token=member.token).json_body["communities"] == before


def test_removed_staff_lose_their_powers(api, admin, new_member):
    company = create_company(api, admin)
    agent = new_member()
    name_staff(api, admin, company["id"], agent, "agent")
    assert api.call("GET", f"/companies/{company['id']}/inbox", token=agent.token).status_code == 200
    api.call("DELETE", f"/companies/{company['id']}/staff/{agent.handle}", token=admin.token)
    assert api.call("GET", f"/companies/{company['id']}/inbox", token=agent.token).status_code == 403
    body = {"name": "元社員の公式", "category": "games", "company_id": company["id"]}
    assert api.call("POST", "/communities", body, token=agent.token).status_code == 403


def test_staff_find_their_companies_and_roles(api, admin, new_member):
    first, second = (
        create_company(api, admin, name="株式会社ひとつめ"),
        create_company(api, admin, name="株式会社ふたつめ"),
    )
    staff, outsider = new_member(), new_member()
    name_staff(api, admin, first["id"], staff, "owner")
    name_staff(api, admin, second["id"], staff, "agent")
    mine = api.call("GET", "/me/companies", token=staff.token).json_body["items"]
    assert sorted((c["name"], c["role"]) for c in mine) == [
        ("株式会社ひとつめ", "owner"),
        ("株式会社ふたつめ", "agent"),
    ]
    assert api.call("GET", "/me/companies", token=outsider.token).json_body["items"] == []
    api.call("DELETE", f"/companies/{second['id']}/staff/{staff.handle}", token=admin.token)
    assert [c["id"] for c in api.call("GET", "/me/companies", token=staff.token).json_body["items"]] == [first["id"]]


def test_create_tables_adds_an_index_that_an_existing_table_lacks(local_stack, services):
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
    from pynamodb.models import Model

    from chalicelib.adapters.dynamodb import provisioning, tables

    class Plain(Model):
        class Meta(tables._Meta):
            base_name = "migration_probe"

        key = UnicodeAttribute(hash_key=True)
        other = UnicodeAttribute(null=True)

    class ByOther(GlobalSecondaryIndex["WithIndex"]):
        class Meta:
            index_name = "by_other"
            projection = AllProjection()

        # Declared range key first: PynamoDB then lists it first, which DynamoDB refuses as is.
        key = UnicodeAttribute(range_key=True)
        other = UnicodeAttribute(hash_key=True)

    class WithIndex(Plain):
        by_other = ByOther()

    tables.bind(services.settings, [Plain, WithIndex])
    provisioning.create_tables([Plain])
    Plain("a", other="x").save()
    assert provisioning.create_tables([WithIndex]) == [f"{WithIndex.Meta.table_name}/by_other"]
    assert [i.key for i in WithIndex.by_other.query("x")] == ["a"]
    assert provisioning.create_tables([WithIndex]) == []
    provisioning.delete_tables([Plain])
