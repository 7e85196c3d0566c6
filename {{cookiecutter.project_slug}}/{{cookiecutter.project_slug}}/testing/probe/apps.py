from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.testing.probe"
    label = "testing_probe"
