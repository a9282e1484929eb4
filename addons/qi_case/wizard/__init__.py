from . import qi_case_handler_wizard
from . import qi_case_close_wizard
from . import qi_case_adjust_wizard
from . import qi_case_import_wizard
from . import qi_case_match_wizard
