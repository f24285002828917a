from services.matcher.entrypoints.app import app, ctx
from services.kernel.health import register_health_and_metrics

register_health_and_metrics(app, ctx)
