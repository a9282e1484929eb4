from . import qi_improvement_verify_wizard
