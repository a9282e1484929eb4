from . import test_ledger_warnings
from . import test_ledger_access
from . import test_ledger_import
from . import test_ledger_demand
from . import test_notice
from . import test_proactive_portal
from . import test_proactive_demo
from . import test_proactive_attacks
