"""Fixtures of the Python module's tests (run by ctest's python_module, or by hand:
PYTHONPATH=build/python python3 -m pytest python/tests).

PCAPKIT_CLI names the pcapkit program (default build/pcapkit); PCAPKIT_CORPUS the real
captures (default ../shared/corpus beside the repository). Under CI=true a missing corpus
or program is a failure, never a skip."""

import csv
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing(what):
    if IN_CI:
        pytest.fail(f"{what} is missing (CI=true: a failure, not a skip)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def cli():
    path = pathlib.Path(os.environ.get("PCAPKIT_CLI", ROOT / "build" / "pcapkit"))
    if not path.exists():
        _missing(f"the pcapkit program ({path})")
    return str(path)


@pytest.fixture(scope="session")
def corpus():
    path = pathlib.Path(os.environ.get("PCAPKIT_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not (path / "MANIFEST.tsv").exists():
        _missing(f"the corpus ({path})")
    return path


@pytest.fixture(scope="session")
def corpus_captures(corpus):
    """Every capture of the corpus's MANIFEST.tsv, as paths."""
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as manifest:
        return [corpus / row["path"] for row in csv.DictReader(manifest, delimiter="\t")]


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The bundled sample capture, made by examples/make_sample.py."""
    path = tmp_path_factory.mktemp("sample") / "sample.pcap"
    subprocess.run([sys.executable, str(ROOT / "examples" / "make_sample.py"), str(path)],
                   check=True)
    return path


def existing_captures(corpus, sample, names, what):
    """The sample and the corpus captures `names`, all of which must exist."""
    paths = [sample] + [corpus / name for name in names]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"captures of the {what} tests are missing: {missing}"
    return paths


def run_cli(cli, *args):
    """The pcapkit program's stdout (text); a failing run fails the test."""
    done = subprocess.run([cli, *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout
