from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork
from services.kernel.app import make_faust_app
from services.kernel.config import settings
from services.kernel.http import conventions_middleware
from services.kernel.service import ServiceContext

app = make_faust_app("ledger", settings().ledger_port, middlewares=[conventions_middleware])
ctx = ServiceContext("ledger", app, LedgerUnitOfWork)  # the ledger emits no events: no outbox relay
