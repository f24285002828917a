from services.matcher.adapters.orm import Outbox
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from services.runtime.app import make_faust_app
from services.runtime.config import settings
from services.runtime.service import ServiceContext

app = make_faust_app("matcher", settings().matcher_port)
ctx = ServiceContext("matcher", app, MatcherUnitOfWork, Outbox)
