from services.intake.adapters.orm import Outbox
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.app import make_faust_app
from services.kernel.config import settings
from services.kernel.http import conventions_middleware, tls_context
from services.kernel.service import ServiceContext

_conf = settings()
# The intake takes BSNs, so it listens on HTTPS only (a self-signed localhost certificate when none is configured).
ssl_context, certificate = tls_context(_conf.data_dir, _conf.intake_tls_cert, _conf.intake_tls_key)
app = make_faust_app("intake", _conf.intake_port, middlewares=[conventions_middleware], ssl_context=ssl_context)
ctx = ServiceContext("intake", app, IntakeUnitOfWork, Outbox)
