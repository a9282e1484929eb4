from . import qi_catalogue_match_wizard
from . import qi_catalogue_match_wizard_line
