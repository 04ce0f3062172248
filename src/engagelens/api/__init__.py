"""The REST API: workspaces, hashed tokens and roles, routers over the library layers.

``create_app(data_dir)`` builds the FastAPI app (``engagelens serve`` runs it with Uvicorn);
:mod:`.auth` holds the principal, token, password and role checks the dashboard reuses;
:mod:`.control` the workspace/user/token database. See docs/api.md.
"""

from .app import API_PREFIX, create_app
from .auth import (
    Principal,
    authenticate_token,
    current_principal,
    get_workspace_store,
    require_role,
    verify_password,
)
from .control import ROLES, Control, NewToken

__all__ = [
    "API_PREFIX",
    "Control",
    "NewToken",
    "Principal",
    "ROLES",
    "authenticate_token",
    "create_app",
    "current_principal",
    "get_workspace_store",
    "require_role",
    "verify_password",
]
