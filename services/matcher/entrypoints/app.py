from services.matcher.adapters.orm import Outbox
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from services.kernel.app import make_faust_app
from services.kernel.config import settings
from services.kernel.http import conventions_middleware
from services.kernel.service import ServiceContext

# The same conventions as the other services: API-Version, security headers, problem details.
app = make_faust_app("matcher", settings().matcher_port, middlewares=[conventions_middleware])
ctx = ServiceContext("matcher", app, MatcherUnitOfWork, Outbox)
