"""Runs `qualcode` commands in child processes, for the crash tests.

Started once by tests/test_reliability_crash.py. It imports qualcode (which takes a
few seconds) and then forks one child per command, so that each kill cycle costs a
``fork()`` rather than a new interpreter. A child is a separate process with its
own database connections (this process never opens a project): it runs the real
command line, ``qualcode.cli.main``, exactly as the ``qualcode`` script does, and
the test kills it with SIGKILL wherever it happens to be.

Protocol: one JSON object per line on stdin, one answer per line on stdout.

- ``{"run": [args...], "log": path}``: fork a child running ``qualcode args...``
  with its output in ``log``; answers ``{"pid": pid}``.
- ``{"wait": pid}``: wait for that child; answers ``{"status": code}``, where a
  negative code is the signal that ended it (-9 for SIGKILL).
- end of input: exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback


def _load() -> None:
    # Everything the commands import, so that a child starts working at once.
    import qualcode.cli
    import qualcode.cli_export
    import qualcode.coder
    import qualcode.exchange.refi_write
    import qualcode.export
    import qualcode.export.selection
    import qualcode.nlp.analyze
    import qualcode.service  # noqa: F401
    from qualcode.cli import main
    from qualcode.cli_export import export_command

    if "export" not in main.commands:  # until cli.py registers it
        main.add_command(export_command)
    # Load the tokenizer (spaCy) once here rather than in every child. Only a warm-up:
    # a failure here is the coding job's to report.
    with contextlib.suppress(Exception):
        list(qualcode.nlp.analyze.analyse_many(["Koordinasi dengan OPD berjalan baik."]))


def _child(args: list[str], log: str) -> None:
    code = 70
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        from qualcode.cli import main

        try:
            main.main(args=args, prog_name="qualcode", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve() -> None:
    _load()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if "run" in request:
            pid = os.fork()
            if pid == 0:
                _child([str(a) for a in request["run"]], str(request["log"]))
            answer: dict[str, int] = {"pid": pid}
        elif "wait" in request:
            _, status = os.waitpid(int(request["wait"]), 0)
            if os.WIFSIGNALED(status):
                answer = {"status": -os.WTERMSIG(status)}
            else:
                answer = {"status": os.WEXITSTATUS(status)}
        else:
            break
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
