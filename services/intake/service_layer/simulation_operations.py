"""The operations of issue 21 in the one operation table (operations.py appends these): a municipality starts a
simulation job of its own region, follows its progress and reads its report. Not inbound commands: a person or
the municipality's own system over HTTPS."""
from __future__ import annotations

from typing import Any

from contracts.vocabulary import Role
from services.intake.domain import simulation_models as m
from services.intake.service_layer import simulations
from services.intake.service_layer.common import Result
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

MUNICIPALITY = (Role.MUNICIPALITY,)


def start_simulation(call: Call, uow: IntakeUnitOfWork) -> Result:
    return simulations.start(uow, call.caller, call.body)


def get_simulation(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return simulations.get(uow, call.caller, call.params["job_id"])


def cancel_simulation(call: Call, uow: IntakeUnitOfWork) -> Result:
    return simulations.cancel(uow, call.caller, call.params["job_id"])


def list_simulations(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return simulations.list_jobs(uow, call.caller)


SIMULATION_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/simulations", "listSimulations", "The caller's simulation jobs", "simulations",
              MUNICIPALITY, list_simulations, m.SimulationJobList,
              description="Every job the municipality started, newest first, with its status and progress (the "
                          "report: getSimulation)."),
    Operation("POST", "/simulations", "startSimulation", "Start a simulation of the own region (what if?)",
              "simulations", MUNICIPALITY, start_simulation, m.SimulationJob, success=(202,),
              request=m.StartSimulation, write=True, idempotent=True, conflicts=True, location="/simulations/{job_id}",
              description="A year (or `days`) of matching in the caller's region, simulated with the matcher's own "
                          "code on a seeded synthetic scenario shaped as the region (its municipalities and "
                          "corporations), per variant: more places in an agreement, another neighbourhood limit, "
                          "policy weights, the strategy (docs/simulation.md). Answers 202 at once with the job "
                          "(Location: getSimulation); a simulation worker runs it, one job at a time. 403 for "
                          "another region; 400 names each invalid field by its path, never its value."),
    Operation("GET", "/simulations/{job_id}", "getSimulation", "One simulation job: status, progress, report",
              "simulations", MUNICIPALITY, get_simulation, m.SimulationJob,
              description="Status queued, running, done or failed; progress in days simulated (over every variant "
                          "and seed) and percent; when done the report. Only the municipality that started the job "
                          "reads it: any other answers 404. The change feed says simulation.done, "
                          "simulation.failed or simulation.cancelled."),
    Operation("POST", "/simulations/{job_id}/cancellation", "cancelSimulation", "Cancel a job that has not ended",
              "simulations", MUNICIPALITY, cancel_simulation, m.SimulationJob, write=True, idempotent=True,
              conflicts=True,
              description="A queued or running job ends as `cancelled`; whatever the simulation worker still reports "
                          "about it is ignored (the worker is not interrupted: a running job runs to its end, then the "
                          "next one starts); the change feed says simulation.cancelled. 409 for a job that has "
                          "already ended; 404 for another's job."),
)
