"""Hypothesis profiles for the whole suite: `ci` draws the same examples on every run (loaded when the `CI`
variable is set, as `.ci/run` sets it, so a CI failure is reproducible), `--hypothesis-profile long` draws many more
for a nightly or pre-release run (tests/properties reads the profile's `max_examples`; tests that fix their own
count keep it)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI"):
    settings.load_profile("ci")  # an explicit --hypothesis-profile still wins
