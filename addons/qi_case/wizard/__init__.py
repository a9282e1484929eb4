from . import qi_case_handler_wizard
from . import qi_case_close_wizard
from . import qi_case_adjust_wizard
from . import qi_case_import_wizard
from . import qi_case_rating_export_wizard
from . import qi_catalogue_match_wizard
from . import qi_catalogue_match_wizard_line
from . import qi_case_rating_outcome_wizard
