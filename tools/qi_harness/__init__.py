"""The suite's own tooling, behind the commands of bin/.

Not an addon and never on Odoo's addons path: ``bin/qi-benchmark`` puts
``tools/`` on ``sys.path``, the bash commands run ``python3 -m qi_harness.db``
with ``PYTHONPATH=tools``.

- ``qi_harness.db``: the throw-away databases of bin/qi-test, bin/qi-i18n,
  bin/qi-odoo-tests and bin/qi-benchmark (one name scheme, one drop);
- ``qi_harness.bench``: the benchmark of bin/qi-benchmark (docs/benchmark.md);
- ``qi_harness.fingerprint``: every row the suite stores, to compare before and after an
  upgrade or a restore (tests/system/test_upgrade.py, test_backup_restore.py).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
