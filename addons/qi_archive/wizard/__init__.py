from . import qi_archive_wizard
from . import qi_archive_access_decision_wizard
from . import qi_archive_dispose_wizard
