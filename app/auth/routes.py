"""/api/v1/auth: register, login, refresh, logout, me, social login."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import service
from app.auth.schemas import LoginSchema, RefreshSchema, RegisterSchema, SocialLoginSchema, TokenBundleSchema, UserSchema
from app.core.envelope import envelope, ok
from app.core.identity import auth_required, current_identity
from app.errors import AuthenticationError, ValidationError
from app.extensions import limiter

blp = Blueprint("auth", __name__, description="Accounts and tokens (local or Firebase)")


def _auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


auth_limit = limiter.shared_limit(_auth_limit, scope="auth-credentials")


def _require_local_provider() -> None:
    if current_app.config["AUTH_PROVIDER"] != "local":
        raise ValidationError("Password accounts are disabled: this deployment signs in with Firebase "
                              "(POST /api/v1/auth/social-login)")


@blp.route("/register")
class Register(MethodView):
    decorators = [auth_limit]

    @blp.arguments(RegisterSchema)
    @blp.response(201, envelope(TokenBundleSchema))
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """Create a local account and sign it in"""
        _require_local_provider()
        return ok(service.register(body["email"], body["password"], body["display_name"]))


@blp.route("/login")
class Login(MethodView):
    decorators = [auth_limit]

    @blp.arguments(LoginSchema)
    @blp.response(200, envelope(TokenBundleSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """Sign in with e-mail and password"""
        _require_local_provider()
        return ok(service.login(body["email"], body["password"]))


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, envelope(TokenBundleSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, body):
        """Rotate a refresh token (reusing an old one revokes the whole login)"""
        _require_local_provider()
        return ok(service.refresh(body["refresh_token"]))


@blp.route("/logout")
class Logout(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, envelope())
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, body):
        """Revoke the login the refresh token belongs to"""
        _require_local_provider()
        service.logout(body["refresh_token"])
        return ok({"loggedOut": True})


@blp.route("/social-login")
class SocialLogin(MethodView):
    decorators = [auth_limit]

    @blp.arguments(SocialLoginSchema)
    @blp.response(200, envelope(TokenBundleSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, body):
        """Sign in with a Firebase ID token (creates the local user on first sight)"""
        if current_app.config["AUTH_PROVIDER"] != "firebase":
            raise AuthenticationError("Social login is not available: this server signs in its own accounts "
                                      "(AUTH_PROVIDER=local)", details={"authProvider": "local"})
        return ok(service.social_login(body["id_token"]))


@blp.route("/me")
class Me(MethodView):
    @auth_required(allow_service=False)
    @blp.response(200, envelope(UserSchema))
    def get(self):
        """The signed-in user"""
        return ok(service.account_for(current_identity(required=True)))
