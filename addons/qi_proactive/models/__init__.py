from . import (
    qi_ledger_mixin,
    qi_instrument_category,
    qi_instrument,
    qi_special_equipment,
    qi_enterprise_certificate,
    qi_ledger_warning,
    qi_notice,
    res_partner,
    qi_case,
    res_config_settings,
)
