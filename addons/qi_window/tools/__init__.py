from . import cron, flow, validation
