from django.apps import AppConfig


class HarnessConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.testing.harness_app"
    label = "testing_harness_app"
