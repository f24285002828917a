from services.kernel.migrations_env import run

run("matcher")
