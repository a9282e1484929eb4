from . import qi_ledger_due_report
