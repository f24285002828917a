"""``solve INSTANCE.json --out RESULT.json [--time-limit S] [--policy POLICY.json]``

Reads an instance, solves it with the pure solver and writes the result.  The instance's own
``policy`` and ``region_policies`` apply over the ``--policy`` file (and that over the default).  A file that cannot be
read or is not a valid instance (or policy) gives a clear error on stderr naming the field path,
exit code 2, and no result file.  Solving never writes a partial file: the result goes to a
temporary file that is renamed into place.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from pydantic import ValidationError

from contracts.solver import InstanceError, format_validation_error, parse_instance

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 like bad input, message on stderr
        self.print_usage(sys.stderr)
        print(f"solve: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="solve", description="Match shelter candidates to housing units.")
    ap.add_argument("instance", type=Path, help="instance JSON file")
    ap.add_argument("--out", type=Path, required=True, help="where to write the result JSON")
    ap.add_argument("--time-limit", type=float, default=10.0, metavar="S",
                    help="time limit in seconds (default 10)")
    ap.add_argument("--policy", type=Path, default=None, help="policy JSON file (default policy if absent)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if not args.time_limit > 0:
        print("solve: --time-limit must be positive", file=sys.stderr)
        return EXIT_BAD_INPUT

    # Imported here so `--help` and input errors stay fast.
    from services.matcher.domain.policy import DEFAULT_POLICY, Policy
    from services.matcher.domain.solver import solve

    policy = DEFAULT_POLICY
    if args.policy is not None:
        try:
            policy = Policy.model_validate_json(args.policy.read_bytes())
        except OSError as exc:
            print(f"solve: cannot read policy {args.policy}: {exc.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ValidationError as exc:
            print(f"solve: invalid policy {args.policy}:", file=sys.stderr)
            for line in format_validation_error(exc):
                print(f"  {line}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        raw = args.instance.read_bytes()
    except OSError as exc:
        print(f"solve: cannot read instance {args.instance}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        instance = parse_instance(raw)
    except InstanceError as exc:
        print(f"solve: invalid instance {args.instance}:", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BAD_INPUT

    try:
        result = solve(instance, policy, time_limit_s=args.time_limit)
    except InstanceError as exc:  # fixed pairs that break a rule or do not fit together
        print(f"solve: invalid instance {args.instance}:", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BAD_INPUT

    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(result.model_dump_json(indent=1))
            fh.write("\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"solve: {len(result.assignments)} placements, objective {result.objective}, "
          f"bound {result.bound}, {result.status}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
