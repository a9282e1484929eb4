from . import china, cron, flow, settings, validation
