from . import test_window_access
from . import test_window_constraints
from . import test_facility_cron
from . import test_rules
from . import test_workday
from . import test_public_page
from . import test_demo_branding
