from . import cron, validation
