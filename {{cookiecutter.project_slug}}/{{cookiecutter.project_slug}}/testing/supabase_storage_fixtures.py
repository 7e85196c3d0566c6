"""The Supabase stand-in's Storage (the harness plugin loads this): it signs any path it is asked
for, as the API has vetted the path by then."""

import re

from pytest_httpserver import HTTPServer

from {{ cookiecutter.project_slug }}.testing.project import FEATURE_DEPLOYMENT_ENV
from {{ cookiecutter.project_slug }}.testing.supabase_fixtures import SUPABASE_STAND_IN_ROUTES

UPLOAD = re.compile("/storage/v1/object/upload/sign/.+")
DOWNLOAD = re.compile("/storage/v1/object/sign/.+")


def sign_any_path(httpserver: HTTPServer) -> None:
    upload = {"url": "/object/upload/sign/user-files/object?token=upload-token"}
    httpserver.expect_request(UPLOAD, method="POST").respond_with_json(upload)
    download = {"signedURL": "/object/sign/user-files/object?token=download-token"}
    httpserver.expect_request(DOWNLOAD, method="POST").respond_with_json(download)


SUPABASE_STAND_IN_ROUTES.append(sign_any_path)
# Storage signs with the secret key: a deployment sets one.
FEATURE_DEPLOYMENT_ENV["SUPABASE_SECRET_KEY"] = "sb_secret_for_the_deploy_check"
