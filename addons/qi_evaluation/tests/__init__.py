from . import test_improvement_deadline
from . import test_automatic_indicators
from . import test_yearly_cron
from . import test_verification
from . import test_report
from . import test_evaluation_access
from . import test_views
from . import test_web_client
