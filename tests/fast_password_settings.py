"""The project's settings with a fast password hasher, for the servers tests start as subprocesses.

conftest.py does the same for tests in-process: PBKDF2 at production strength costs most of a second per
account on a busy machine, and `madoguchi demo` creates nine.
"""

from madoguchi.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
