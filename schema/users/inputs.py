"""GraphQL inputs of users."""

from __future__ import annotations

import strawberry

from app.models.enums import Role


@strawberry.input
class CreateUserInput:
    name: str
    email: str
    role: Role
