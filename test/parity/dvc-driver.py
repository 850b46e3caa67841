"""One long-lived DVC for test/parity and bench/: reads one JSON request per line on stdin,
{"id": N, "cwd": DIR, "argv": [...]}, runs `dvc.cli.main(argv)` in this process with the
working directory set to DIR, and answers on the original stdout with one JSON line
{"id": N, "code": C, "stdout": ..., "stderr": ...}. The command's output (and that of the stage
commands `dvc repro` spawns, which inherit the file descriptors) goes through fds 1 and 2,
which are pointed at temp files for the duration of the call, so nothing mixes with the
answers. This saves DVC's Python start-up (about 0.5-1 s) on every command.

Usage: python dvc-driver.py   (the venv's python from scripts/dvc-peer.sh)
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("DVC_NO_ANALYTICS", "1")

from dvc.cli import main as dvc_main  # noqa: E402

# requests come on a private copy of stdin and answers leave on a private copy of stdout;
# fds 0-2 then belong to the command being run (stage commands never see our requests)
requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)


def run(cwd, argv):
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    saved1, saved2 = os.dup(1), os.dup(2)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    old = os.getcwd()
    code = 255
    try:
        os.chdir(cwd)
        code = dvc_main(argv)
    except SystemExit as e:  # argparse errors
        code = e.code if isinstance(e.code, int) else 1
    except BaseException as e:  # noqa: BLE001 - report, keep serving
        print(f"driver: {type(e).__name__}: {e}", file=sys.stderr)
        code = 255
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved1, 1)
        os.dup2(saved2, 2)
        os.close(saved1)
        os.close(saved2)
        os.chdir(old)
    out.seek(0)
    err.seek(0)
    return code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


def serve(stream):
    for line in stream:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        code, stdout, stderr = run(req["cwd"], req["argv"])
        proto.write(json.dumps({"id": req.get("id"), "code": code, "stdout": stdout, "stderr": stderr}) + "\n")
        proto.flush()


if __name__ == "__main__":
    serve(requests)
    if os.environ.get("PARITY_CPU_FILE"):  # how much CPU DVC took, for measuring the harness
        import resource

        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(os.environ["PARITY_CPU_FILE"], "a") as f:
            f.write(f"{me.ru_utime + me.ru_stime:.2f} {kids.ru_utime + kids.ru_stime:.2f}\n")
