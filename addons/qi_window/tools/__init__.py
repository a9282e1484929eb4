from . import china, cron, flow, settings, upload, validation
