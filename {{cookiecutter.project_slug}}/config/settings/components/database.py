from config.env import dev_default, env

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=dev_default("postgres://postgres@127.0.0.1:5432/{{ cookiecutter.project_slug }}"),
    ),
}
# A dead database fails a request (and the health check) in seconds instead of hanging it.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
