"""The password rule JSON Schema cannot state, taught to schemathesis.

The API takes 8 to 72 bytes of UTF-8 that are not among the commonest passwords; the
schema's minLength and maxLength count characters. These hooks keep the generated cases
honest about that rule, on the three operations that set a password, and nowhere else.
"""

from pathlib import Path

import schemathesis

PATHS = {"/api/auth/signup", "/api/auth/profile", "/api/auth/reset-password"}
MIN_BYTES, MAX_BYTES = 8, 72
COMMON = frozenset(
    (Path(__file__).resolve().parents[2] / "crates/contract/src/domain/common_passwords.txt").read_text().split()
)


def _new_password(context, case):
    if context.operation is None or context.operation.path not in PATHS or not isinstance(case.body, dict):
        return None
    password = case.body.get("password")
    return password if isinstance(password, str) else None


@schemathesis.hook
def map_case(context, case):
    """Make a "valid" password valid by the real rule: cut it to 72 bytes (it keeps at
    least 18 of its 8 or more characters) and move it off the common list."""
    password = _new_password(context, case)
    if password is None or case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    while len(password.encode()) > MAX_BYTES:
        password = password[:-1]
    if password.lower() in COMMON:
        password = "Ω" + password[1:]
    case.body["password"] = password
    return case


@schemathesis.hook
def filter_case(context, case):
    """Skip an "invalid" case whose only fault may be a password of fewer than 8
    characters that is still 8 bytes or more ("€€€" is 9): the API rightly accepts it."""
    password = _new_password(context, case)
    if password is None or case.meta is None or not case.meta.generation.mode.is_negative:
        return True
    return not (len(password) < MIN_BYTES and MIN_BYTES <= len(password.encode()) <= MAX_BYTES)
