from . import qi_workday_exception
from . import qi_workday
from . import qi_window
from . import qi_window_staff
from . import qi_window_channel
from . import qi_window_facility
from . import qi_window_facility_check
from . import qi_window_rule
