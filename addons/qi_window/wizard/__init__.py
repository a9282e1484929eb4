from . import qi_workday_notice_wizard
