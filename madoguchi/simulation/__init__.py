"""The managers' effect simulator page: start a run as a background task, follow its progress, read the
report with charts, download it as PDF. The model itself is the plain-Python `madoguchi.simulator`."""
