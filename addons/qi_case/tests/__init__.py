from . import test_case_flow
from . import test_case_deadlines
from . import test_case_intake
from . import test_case_supervision
from . import test_case_access
from . import test_case_performance
from . import test_case_portal
from . import test_public_demand
