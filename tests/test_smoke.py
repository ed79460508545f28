from app.models.enums import Role
from tests.graphql import ok


async def test_me(client, make_user):
    user, token = await make_user(Role.DS)
    data = await ok(client, "{ me { id name role } }", token=token)
    assert data["me"]["id"] == str(user.id)
