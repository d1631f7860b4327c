"""Sessions, CSRF tokens, login rate limiting and the server's secret key.

A session is a signed, timed cookie holding the user id, a random nonce
and a fingerprint of the password hash (a password change ends every
session). The CSRF token is an HMAC of the nonce: forms send it as
``csrf_token``, htmx as the ``X-CSRF-Token`` header. API tokens (Bearer)
need no CSRF token because browsers never send them on their own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from opexflow.errors import InputError, RateLimitError
from opexflow.settings import Settings

COOKIE = "opexflow_session"
LANG_COOKIE = "opexflow_lang"


def secret_key(settings: Settings) -> str:
    """The configured key; in development a random one kept in the data directory."""
    if settings.web.secret_key is not None:
        return settings.web.secret_key.get_secret_value()
    if not settings.web.development:
        raise InputError(
            "OPEXFLOW_WEB_SECRET_KEY is not set: outside development the server refuses to "
            "start without a secret key (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    path = settings.data_dir / ".secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key, encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return key


@dataclass(frozen=True)
class SessionData:
    user_id: int
    nonce: str
    fingerprint: str


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class Sessions:
    """Signs and reads session cookies; derives CSRF tokens."""

    def __init__(self, key: str, max_age_s: int) -> None:
        self._key = key.encode()
        self._serializer = URLSafeTimedSerializer(key, salt="opexflow-session")
        self.max_age_s = max_age_s

    def issue(self, user_id: int, password_hash: str) -> str:
        nonce = secrets.token_urlsafe(16)
        return self._serializer.dumps({"u": user_id, "n": nonce, "f": fingerprint(password_hash)})

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age_s)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not {"u", "n", "f"} <= data.keys():
            return None
        return SessionData(int(data["u"]), str(data["n"]), str(data["f"]))

    def csrf_token(self, nonce: str) -> str:
        return hmac.new(self._key, f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, nonce: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(self.csrf_token(nonce), token)


class LoginLimiter:
    """At most ``attempts`` failed logins per user name and per address within ``window_s``."""

    def __init__(self, attempts: int, window_s: int) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def check(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (f"u:{username.lower()}", f"a:{address}"):
                times = self._recent(key, now)
                if len(times) >= self.attempts:
                    wait = int(times[0] + self.window_s - now) + 1
                    raise RateLimitError(
                        f"too many failed logins; wait {wait} s and try again "
                        f"(登录失败次数过多,请 {wait} 秒后再试)"
                    )

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (f"u:{username.lower()}", f"a:{address}"):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{username.lower()}", None)
