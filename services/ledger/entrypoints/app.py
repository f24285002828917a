from services.ledger.adapters.orm import Outbox
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork
from services.runtime.app import make_faust_app
from services.runtime.config import settings
from services.runtime.http import conventions_middleware
from services.runtime.service import ServiceContext

app = make_faust_app("ledger", settings().ledger_port, middlewares=[conventions_middleware])
ctx = ServiceContext("ledger", app, LedgerUnitOfWork, Outbox)
