from . import test_archive_freeze
from . import test_archive_access
from . import test_archive_immutability
from . import test_archive_integrity
from . import test_archive_portal
from . import test_archive_cron
from . import test_archive_http
from . import test_archive_bypass
