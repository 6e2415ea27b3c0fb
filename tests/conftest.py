"""Hypothesis profiles: "ci" (default; derandomized, so a run is reproducible), "medium" and "thorough".

Select with HYPOTHESIS_PROFILE=thorough for a long local run.
"""

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=10, deadline=None, derandomize=True,
                          suppress_health_check=_QUIET)
settings.register_profile("medium", max_examples=50, deadline=None,
                          suppress_health_check=_QUIET)
settings.register_profile("thorough", max_examples=500, deadline=None,
                          suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
