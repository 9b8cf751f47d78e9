"""Flask's session kept in the database (engine.web_sessions): the cookie carries only a random id.

Signing in starts a new session (the id of the one before sign-in is never reused); signing out
deletes the row and the cookie. A cookie whose session has ended or expired opens an empty session,
so the person is asked to sign in again."""
from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from engine import web_sessions


class ServerSession(CallbackDict, SessionMixin):
    """The session's data as a dict, plus who is signed in (`user_id`) and what to do on save."""

    def __init__(self, data: dict | None = None, sid: str | None = None, user_id: int | None = None):
        def changed(session):
            session.modified = True

        super().__init__(data or {}, changed)
        self.sid, self.user_id = sid, user_id
        self.modified = False
        self.renew = False  # start a new session (sign-in, password change) when saved
        self.ended = False  # delete it when saved (sign-out)
        self.stale_cookie = False  # the browser sent the id of a session that no longer exists

    def sign_in(self, user_id: int) -> None:
        """Belong to `user_id` from now on, under a new id; nothing from before sign-in is kept."""
        self.clear()
        self.user_id, self.renew, self.modified = user_id, True, True

    def sign_out(self) -> None:
        self.clear()
        self.user_id, self.ended = None, True


class ServerSessionInterface(SessionInterface):
    """Opens and saves `ServerSession`s in the runtime's database, on the runtime's clock."""

    def _runtime(self, app: Flask):
        return app.extensions["runtime"]

    def _limits(self, app: Flask) -> web_sessions.Limits:
        return web_sessions.Limits.from_policy(self._runtime(app).policy)

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid:
            return ServerSession()
        rt = self._runtime(app)
        with rt.sessions() as s:
            loaded = web_sessions.load(s, sid, rt.clock.now(), self._limits(app))
            s.commit()
        if loaded is None:
            session = ServerSession()
            session.stale_cookie = True
            return session
        return ServerSession(loaded.data, sid, loaded.user_id)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:  # type: ignore[override]
        if session.accessed:
            response.vary.add("Cookie")
        rt = self._runtime(app)
        if session.ended or (session.stale_cookie and not session.modified):
            if session.sid:
                with rt.sessions() as s:
                    web_sessions.end(s, session.sid)
                    s.commit()
            self._forget(app, response)
            return
        if not (session.modified or session.renew):
            return
        with rt.sessions() as s:
            if session.sid and not session.renew:
                if not web_sessions.save(s, session.sid, dict(session)):
                    self._forget(app, response)  # ended by another request meanwhile
            elif session.renew or dict(session):
                if session.sid:
                    web_sessions.end(s, session.sid)
                web_sessions.purge(s, rt.clock.now(), self._limits(app))  # sessions nobody came back to
                session.sid = web_sessions.start(s, rt.clock.now(), dict(session), session.user_id)
                self._set_cookie(app, session, response)
            s.commit()

    def _set_cookie(self, app: Flask, session: ServerSession, response: Response) -> None:
        # No expiry: the cookie goes when the browser closes; the server ends the session sooner.
        response.set_cookie(self.get_cookie_name(app), session.sid, domain=self.get_cookie_domain(app),
                            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
                            httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app))

    def _forget(self, app: Flask, response: Response) -> None:
        response.delete_cookie(self.get_cookie_name(app), domain=self.get_cookie_domain(app),
                               path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
                               httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app))
