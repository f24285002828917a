"""The simulation worker (issue 21): runs the what-if jobs municipalities start over the intake's API.

It takes ``SimulationRequested`` from housing.simulation-requests.v1, runs the simulator (services/system/simulation,
the matcher's own code) off its event loop, one job at a time, and publishes ``SimulationProgressed`` and
``SimulationFinished`` on housing.simulation-results.v1, signed as the service ``simulation``. It has no
database: a request's offset is committed only after its result was published, so a job cut off by a restart
runs again, and its result (whose event id follows from the job id) is absorbed by the intake's inbox.

* job.py — one request to one report (pure apart from the simulator's own CPU time);
* app.py — the faust app, its health and metrics; agents.py — the consumer; process.py — the process.
"""
