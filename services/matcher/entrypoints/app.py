from services.matcher.adapters.orm import Outbox
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from services.kernel.app import make_faust_app
from services.kernel.config import settings
from services.kernel.service import ServiceContext

app = make_faust_app("matcher", settings().matcher_port)
ctx = ServiceContext("matcher", app, MatcherUnitOfWork, Outbox)
