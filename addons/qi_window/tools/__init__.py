from . import cron, flow, upload, validation
