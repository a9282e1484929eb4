"""What the benchmark takes from the suite's addons: imported, never re-declared.

Import this module only once Odoo knows the addons path (runtime.odoo_init):
the addons are then the run's snapshot, the code being measured.
"""

from odoo.addons.qi_case.models.qi_case import CHANNELS as _CHANNELS
from odoo.addons.qi_case.models.qi_case_stage import FINAL_CODES, STAGE_CODES
from odoo.addons.qi_window.tools.china import CHINA_TZ

TZ = CHINA_TZ
CHANNELS = tuple(code for code, _label in _CHANNELS)
STAGES = tuple(code for code, _label in STAGE_CODES)
OPEN_CODES = tuple(code for code in STAGES if code not in FINAL_CODES)
DONE_CODES = ("completed", "closed")  # final and served: a completion date and an on-time flag


def check_codes(where, codes):
    """The stage codes a scenario spreads its cases over are the suite's own."""
    unknown = set(codes) - set(STAGES)
    if unknown:
        raise RuntimeError(f"{where}: stage codes {sorted(unknown)} are not qi.case.stage codes {STAGES}")


__all__ = ["CHANNELS", "DONE_CODES", "FINAL_CODES", "OPEN_CODES", "STAGES", "TZ", "check_codes"]
