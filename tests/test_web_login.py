"""Dashboard log-in hardening, in process against the real app (real control database, real
argon2, real signed cookies): failed log-ins throttled per client IP and per user name without
revealing which names exist, expired and tampered session cookies, and a revoked token or
removed grant ending a dashboard session.

Time is never slept through: the throttle gets a clock the test moves, and an expired cookie is
one signed with an old timestamp (what a browser would hold after ``MAX_AGE_S``).
"""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest
from starlette.testclient import TestClient

from engagelens.web import session
from engagelens.web.throttle import LoginThrottle
from test_api_support import PASSWORD
from test_web_support import Browser, make_app

ATTACKER, OFFICE, ELSEWHERE = "203.0.113.7", "198.51.100.20", "192.0.2.44"


class Clock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from engagelens.api import Control

    data_dir = tmp_path_factory.mktemp("login")
    control = Control(data_dir)
    control.create_workspace("acme")
    for name, role in (("alice", "analyst"), ("victor", "viewer")):
        control.create_user(name, PASSWORD)
        control.grant(name, "acme", role)
    return data_dir


def app_of(data_dir, clock=None, **settings):
    app = make_app(data_dir) if not settings else _app(data_dir, settings)
    if clock is not None:
        app.state.web_login_throttle = LoginThrottle.from_settings(
            app.state.engagelens.settings, clock=clock
        )
    return app


def _app(data_dir, settings):
    from engagelens.api import create_app

    return create_app(
        data_dir,
        settings={"api_rate_limit_per_minute": 1_000_000, "token_cache_ttl_s": 0.0, **settings},
    )


def browser(app, ip: str = OFFICE) -> Browser:
    return Browser(client=TestClient(app, client=(ip, 50_000), follow_redirects=False))


def logged_in(b: Browser) -> bool:
    r = b.get("/workspaces")
    assert r.status_code in (200, 303), r.status_code
    return r.status_code == 200


def page_text(r) -> str:
    """The answer without what differs per request (the CSRF token)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", r.text)


# -- the throttle ----------------------------------------------------------------------------
def test_settings_declare_the_throttle(monkeypatch):
    from engagelens import settings

    defaults = settings.load()
    assert (
        defaults["login_max_failures"],
        defaults["login_max_failures_per_ip"],
        defaults["login_window_seconds"],
    ) == (5, 20, 900)
    monkeypatch.setenv("ENGAGELENS_LOGIN_MAX_FAILURES", "2")
    assert settings.load()["login_max_failures"] == 2


def test_wrong_passwords_lock_the_user_name_then_the_window_lifts_it(data):
    clock = Clock()
    app = app_of(
        data, clock, login_max_failures=3, login_window_seconds=60, login_max_failures_per_ip=100
    )
    b = browser(app)
    for _ in range(3):
        r = b.login("alice", PASSWORD + "x")
        assert r.status_code == 401 and "retry-after" not in r.headers
        clock.now += 5
    # locked: even the right password is refused, before it is checked
    r = b.login("alice", PASSWORD)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "45"  # the first failure (15 s ago) leaves in 45 s
    assert "Too many failed attempts. Wait 1 min and try again." in r.text
    assert not logged_in(b)
    # the lock is on the user name, from any address; another user is not affected
    assert browser(app, ELSEWHERE).login("alice", PASSWORD).status_code == 429
    assert browser(app, ELSEWHERE).login("victor", PASSWORD).status_code == 303
    # the sliding window: after the first failure expires one more try is allowed
    clock.now += 45
    assert b.login("alice", PASSWORD + "y").status_code == 401
    r = b.login("alice", PASSWORD)
    assert r.status_code == 429 and r.headers["retry-after"] == "5"  # the second failure's turn
    clock.now += 60
    assert b.login("alice", PASSWORD).status_code == 303 and logged_in(b)


def test_unknown_user_names_are_throttled_exactly_like_real_ones(data):
    clock = Clock()
    app = app_of(
        data, clock, login_max_failures=2, login_window_seconds=300, login_max_failures_per_ip=100
    )
    answers = {}
    for name, ip in (("alice", ATTACKER), ("mallory", ELSEWHERE)):
        b = browser(app, ip)
        answers[name] = [
            (r.status_code, r.headers.get("retry-after"), page_text(r))
            for r in (b.login(name, "wrong-password") for _ in range(4))
        ]
    assert [a[0] for a in answers["alice"]] == [401, 401, 429, 429]
    assert answers["alice"] == answers["mallory"]


def test_case_and_spaces_do_not_make_a_new_user_name(data):
    app = app_of(
        data, Clock(), login_max_failures=3, login_window_seconds=60, login_max_failures_per_ip=100
    )
    b = browser(app)
    for name in ("Alice", " alice", "ALICE "):
        assert b.login(name, "wrong-password").status_code == 401
    assert b.login("alice", PASSWORD).status_code == 429


def test_one_address_spraying_names_or_guessing_tokens_is_throttled(data):
    clock = Clock()
    app = app_of(
        data, clock, login_max_failures=100, login_window_seconds=60, login_max_failures_per_ip=4
    )
    sprayer = browser(app, ATTACKER)
    for name in ("alice", "victor", "root", "admin"):
        assert sprayer.login(name, "Summer2024!").status_code == 401
    r = sprayer.login_token("elk_guess")
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 60
    assert sprayer.login("victor", PASSWORD).status_code == 429
    assert browser(app, OFFICE).login("victor", PASSWORD).status_code == 303  # others unaffected
    guesser = browser(app, ELSEWHERE)
    for k in range(4):
        assert guesser.login_token(f"elk_guess-{k}").status_code == 401
    assert guesser.login("alice", PASSWORD).status_code == 429
    clock.now += 60
    assert guesser.login("alice", PASSWORD).status_code == 303


def test_a_successful_login_starts_the_user_count_over(data):
    app = app_of(
        data, Clock(), login_max_failures=3, login_window_seconds=60, login_max_failures_per_ip=100
    )
    b = browser(app)
    throttle: LoginThrottle = app.state.web_login_throttle
    for _ in range(2):
        assert b.login("alice", "wrong-password").status_code == 401
    assert b.login("alice", PASSWORD).status_code == 303
    assert throttle.failures(OFFICE, "alice") == {"ip": 2, "user": 0}
    for _ in range(2):
        assert b.login("alice", "wrong-password").status_code == 401
    assert b.login("alice", PASSWORD).status_code == 303


def test_zero_turns_the_throttle_off(data):
    app = app_of(data, Clock(), login_max_failures=0, login_max_failures_per_ip=0)
    b = browser(app)
    for _ in range(8):
        assert b.login("victor", "wrong-password").status_code == 401
    assert b.login("victor", PASSWORD).status_code == 303


def test_the_throttled_page_is_translated_and_localised(data):
    clock = Clock()
    app = app_of(
        data, clock, login_max_failures=1, login_window_seconds=3600, login_max_failures_per_ip=100
    )
    b = browser(app)
    assert b.post("/locale", {"locale": "fa"}).status_code == 303
    assert b.login("alice", "wrong-password").status_code == 401
    r = b.login("alice", "wrong-password")
    assert r.status_code == 429 and r.headers["retry-after"] == "3600"
    assert "۶۰ دقیقه" in r.text  # 60 minutes, in Persian digits


def test_an_unknown_user_costs_the_same_argon2_check_as_a_wrong_password(data, monkeypatch):
    """No user enumeration by timing: an unknown name is verified against a dummy hash made
    with the same argon2 parameters. Checked by recording every real ``verify`` call and the
    cost parameters (``m``, ``t``, ``p``) in its hash — not by reading the clock, which
    depends on the machine and its load."""
    from argon2 import PasswordHasher

    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def recording_verify(self, hash, password):
        calls.append(hash if isinstance(hash, str) else hash.decode())
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", recording_verify)
    app = app_of(data, login_max_failures=0, login_max_failures_per_ip=0)
    b = browser(app)
    for name in ("alice", "mallory", "alice", "mallory"):
        before = len(calls)
        form = {"csrf_token": b.csrf(), "username": name, "password": "wrong-password"}
        assert b.client.post("/login", data=form).status_code == 401
        assert len(calls) == before + 1, f"{name}: {len(calls) - before} argon2 checks"
    params = {h.split("$")[3] for h in calls}  # "$argon2id$v=19$m=…,t=…,p=…$salt$hash"
    assert len(params) == 1, params
    assert len({h.split("$")[1] for h in calls}) == 1  # one argon2 variant too


# -- session cookies -------------------------------------------------------------------------
def _cookie_signed_at(app, payload, age_s: float, *, key=None, salt=session.SALT) -> str:
    """``payload`` signed like the app's session cookie, as if ``age_s`` seconds ago."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    signed_at = int(time.time() - age_s)

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return signed_at

    secret = key or app.state.engagelens.secret_key
    return URLSafeTimedSerializer(secret, salt=salt, signer=Past).dumps(payload)


def _with_cookie(app, value: str) -> Browser:
    b = browser(app)
    b.client.cookies.set(session.COOKIE, value)
    return b


def test_an_expired_session_cookie_sends_the_user_back_to_login(data):
    app = app_of(data)
    b = browser(app)
    assert b.login("alice", PASSWORD).status_code == 303
    from itsdangerous import URLSafeTimedSerializer

    reader = URLSafeTimedSerializer(app.state.engagelens.secret_key, salt=session.SALT)
    payload = reader.loads(b.client.cookies.get(session.COOKIE))
    assert payload["user"] == "alice"
    fresh = _with_cookie(app, _cookie_signed_at(app, payload, session.MAX_AGE_S - 60))
    assert fresh.get("/w/acme/").status_code == 200  # the same cookie, not yet expired
    stale = _with_cookie(app, _cookie_signed_at(app, payload, session.MAX_AGE_S + 60))
    r = stale.get("/w/acme/")
    assert r.status_code == 303
    target = urllib.parse.urlsplit(r.headers["location"])
    assert target.path == "/login" and urllib.parse.parse_qs(target.query)["next"] == ["/w/acme/"]
    # and its old CSRF token is worthless: the expired session's forms are refused
    r = stale.client.post("/logout", data={"csrf_token": payload["csrf"]})
    assert r.status_code == 403


def test_the_cookie_lifetime_matches_the_session_lifetime(data):
    b = browser(app_of(data))
    cookie = b.login("alice", PASSWORD).headers["set-cookie"]
    assert f"Max-Age={session.MAX_AGE_S}" in cookie


@pytest.mark.parametrize(
    "forge",
    ["other_user_same_signature", "other_key", "other_salt", "unsigned", "not_a_dict", "truncated"],
)
def test_a_tampered_session_cookie_is_no_session(data, forge):
    import base64
    import json

    app = app_of(data)
    b = browser(app)
    assert b.login("victor", PASSWORD).status_code == 303
    real = b.client.cookies.get(session.COOKIE)
    payload = {"user": "alice", "csrf": "x" * 43, "sid": "s" * 43}
    if forge == "other_user_same_signature":
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        value = body.decode().rstrip("=") + "." + real.split(".", 1)[1]
    elif forge == "other_key":
        value = _cookie_signed_at(app, payload, 0, key="not-the-server-key")
    elif forge == "other_salt":
        value = _cookie_signed_at(app, payload, 0, salt="engagelens.api.something-else")
    elif forge == "unsigned":
        value = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    elif forge == "not_a_dict":
        value = _cookie_signed_at(app, ["alice"], 0)
    else:
        value = real[:-1]
    assert logged_in(_with_cookie(app, real))  # control: the genuine cookie works
    forged = _with_cookie(app, value)
    assert not logged_in(forged)
    assert forged.get("/w/acme/").status_code == 303
    # control: the same payload signed with the server's key would have been accepted, so the
    # refusal above is the signature check at work
    assert logged_in(_with_cookie(app, _cookie_signed_at(app, payload, 0)))


# -- revocation ------------------------------------------------------------------------------
def _logout(b: Browser) -> None:
    r = b.post("/logout", {}, csrf_from="/workspaces")
    assert r.status_code == 303, r.status_code


def test_a_cookie_saved_before_logout_opens_nothing_afterwards(data):
    app = app_of(data)
    b = browser(app)
    assert b.login("alice", PASSWORD).status_code == 303
    saved = b.client.cookies.get(session.COOKIE)
    assert _with_cookie(app, saved).get("/w/acme/").status_code == 200  # control: a copy works
    _logout(b)
    replay = _with_cookie(app, saved).get("/w/acme/")
    assert replay.status_code == 303 and replay.headers["location"].startswith("/login")
    # revoked in the control database, not only in this process: a restarted server agrees
    assert _with_cookie(app_of(data), saved).get("/w/acme/").status_code == 303
    # a new log-in is a new session that works, and another user's session was not touched
    assert b.login("alice", PASSWORD).status_code == 303 and logged_in(b)


def test_a_session_without_an_id_logs_nobody_in(data):
    app = app_of(data)
    assert not logged_in(_with_cookie(app, _cookie_signed_at(app, {"user": "alice"}, 0)))


@pytest.mark.parametrize(
    "mode,https,secure",
    [("always", False, True), ("never", True, False), ("auto", True, True), ("auto", False, False)],
)
def test_the_secure_cookie_setting(data, mode, https, secure):
    app = app_of(data, cookie_secure=mode)
    base = "https://testserver" if https else "http://testserver"
    b = Browser(client=TestClient(app, base_url=base, follow_redirects=False))
    cookie = b.login("alice", PASSWORD).headers["set-cookie"]
    assert ("; secure" in cookie.lower()) is secure, cookie


def test_an_expired_token_neither_logs_in_nor_calls_the_api(data):
    from engagelens.api import Control

    control = Control(data)
    live = control.create_token("acme", "viewer", "a day", expires_in_days=1)
    gone = control.create_token("acme", "viewer", "already over", expires_in_days=1e-9)
    app = app_of(data)
    assert browser(app).login_token(live.token).status_code == 303
    assert browser(app).login_token(gone.token).status_code == 401
    api = TestClient(app)
    assert (
        api.get("/api/v1/me", headers={"Authorization": f"Bearer {live.token}"}).status_code == 200
    )
    r = api.get("/api/v1/me", headers={"Authorization": f"Bearer {gone.token}"})
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]


def test_a_revoked_token_ends_its_dashboard_session(data):
    from engagelens.api import Control

    control = Control(data)
    new = control.create_token("acme", "viewer", "revoke me")
    app = app_of(data)  # token_cache_ttl_s = 0: roles are re-read on every request
    b = browser(app)
    assert b.login_token(new.token).status_code == 303
    assert b.get("/w/acme/").status_code == 200
    control.revoke_token(new.token_id)
    r = b.get("/w/acme/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert not logged_in(b)
    assert browser(app).login_token(new.token).status_code == 401


def test_a_removed_grant_ends_access_to_the_workspace(data):
    from engagelens.api import Control

    control = Control(data)
    control.create_user("gina", PASSWORD)
    control.grant("gina", "acme", "viewer")
    b = browser(app_of(data))
    assert b.login("gina", PASSWORD).status_code == 303
    assert b.get("/w/acme/").status_code == 200
    control.grant("gina", "acme", "none")
    assert b.get("/w/acme/").status_code == 404  # like a workspace that does not exist
    assert "acme" not in b.get("/workspaces").text
