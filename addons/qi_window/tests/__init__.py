from . import (
    test_facility_cron,
    test_public_page,
    test_rules,
    test_window_access,
    test_window_constraints,
    test_workday,
)
