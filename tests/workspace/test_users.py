from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from opexflow.errors import AuthenticationError, ConflictError, InputError
from opexflow.workspace.users import (
    Role,
    User,
    authenticate,
    create_token,
    create_user,
    user_for_token,
)


def test_passwords_are_stored_as_argon2_and_checked(session: Session, admin: User) -> None:
    assert admin.password_hash.startswith("$argon2id$")
    assert "admin-pass-1" not in admin.password_hash
    assert authenticate(session, username="admin", password="admin-pass-1").id == admin.id
    with pytest.raises(AuthenticationError, match="wrong user name or password"):
        authenticate(session, username="admin", password="nope-nope")
    with pytest.raises(AuthenticationError, match="wrong user name or password"):
        authenticate(session, username="nobody", password="admin-pass-1")


def test_bad_users_are_refused_with_the_field(session: Session, admin: User) -> None:
    assert admin.role is Role.admin
    with pytest.raises(InputError, match="at least 8") as short:
        create_user(session, username="li", password="short")
    assert short.value.errors == [{"field": "password", "message": "at least 8 characters"}]
    with pytest.raises(ConflictError, match="taken"):
        create_user(session, username="admin", password="another-pass")
    with pytest.raises(InputError, match="role 'boss'"):
        create_user(session, username="wang", password="wang-pass-1", role="boss")


def test_tokens_are_stored_hashed_and_can_be_revoked(session: Session, admin: User) -> None:
    token, plain = create_token(session, user=admin, name="script")
    assert plain.startswith("oxf_") and plain not in token.token_hash
    assert user_for_token(session, plain).id == admin.id
    token.revoked = True
    session.flush()
    with pytest.raises(AuthenticationError, match="revoked"):
        user_for_token(session, plain)
    with pytest.raises(AuthenticationError):
        user_for_token(session, "oxf_forged")


def test_deactivated_users_cannot_log_in(session: Session) -> None:
    user = create_user(session, username="gone", password="gone-pass-1", role=Role.member)
    user.active = False
    session.flush()
    with pytest.raises(AuthenticationError):
        authenticate(session, username="gone", password="gone-pass-1")
