from . import (
    qi_window,
    qi_window_channel,
    qi_window_facility,
    qi_window_facility_check,
    qi_window_rule,
    qi_window_staff,
    qi_workday,
    qi_workday_exception,
)
