-- The simulation worker's read-only role on the matcher's database (SIMULATION_HISTORY_DATABASE_URL).
-- Jobs with "source": "history" replay the matcher's recorded people and homes
-- (services/system/simulation/recorded.py): SELECT on exactly the tables that loader reads, nothing else —
-- no outbox, inbox, declined or fixed pairs, no write, no temporary tables.
--
-- Run as an administrator (CREATEROLE), connected to the matcher's database, AFTER its migrations (the
-- tables must exist), and again after every migration of the matcher (a table it re-creates loses the grant):
--   psql -v ON_ERROR_STOP=1 -1 -v pw="$PASSWORD" -d matcher -f deploy/postgres/simulation-history-role.sql
-- Optional: -v role=NAME (default simulation_history). Idempotent. tests/integration/deploy/
-- test_simulation_history_role.py runs it against the local PostgreSQL and replays history as the role.
\if :{?role}
\else
  \set role simulation_history
\endif

SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS
  CONNECTION LIMIT 16 PASSWORD :'pw';
-- A second line behind the grants: its sessions start read-only (a session could switch this off, the
-- missing privileges it cannot).
ALTER ROLE :"role" SET default_transaction_read_only = on;
ALTER ROLE :"role" SET statement_timeout = '5min';

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'role')\gexec
GRANT USAGE ON SCHEMA public TO :"role";
-- Start from nothing, so a table dropped from the list below loses its grant on the next run.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"role";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"role";
-- The tables of the ORM models recorded.py loads (services/matcher/adapters/orm.py).
GRANT SELECT ON TABLE
  matcher_candidate,            -- people: pseudonymous profile, arrival and leaving times
  matcher_unit,                 -- homes: the vacancy, published and withdrawn times
  matcher_agreement,            -- the municipalities' agreements with corporations
  matcher_neighbourhood_limit,  -- neighbourhood carrying capacity
  matcher_region_policy,        -- every version of the regions' policies
  matcher_region_clock,         -- the latest event time per region (the end of the history)
  matcher_support_provider,     -- support providers' room
  matcher_offer                 -- ended offers: the answers the acceptance model is calibrated from
  TO :"role";
