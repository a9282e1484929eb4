from . import qi_case_handler_wizard
from . import qi_case_close_wizard
from . import qi_case_adjust_wizard
from . import qi_case_import_wizard
from . import qi_catalogue_match_wizard
from . import qi_catalogue_match_wizard_line
