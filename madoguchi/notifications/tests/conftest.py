from madoguchi.tasks.tests.conftest import clock  # noqa: F401  (the controllable timezone.now)
