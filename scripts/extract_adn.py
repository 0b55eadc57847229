"""Extract a small mouse head-direction recording from the pynapple 0.11.4 source distribution.

The pynapple source distribution (MIT licence) ships a test recording from the
Peyrache lab, session ``A2929-200711``. It contains units in the anterodorsal
thalamic nucleus (ADn) and in CA1, head direction tracked at about 120 Hz
during exploration, and a sleep epoch before it. The file leaves the subject
fields (species included) empty. This script reads that NWB file with
h5py and writes the parts hdlesson uses to

- ``hdlesson/biology/data/A2929-200711.npz`` (spike times, unit labels, head
  direction and its timestamps, epochs), and
- ``hdlesson/biology/data/LICENSE-pynapple.txt`` (the MIT notice and the
  attribution).

Usage::

    python scripts/extract_adn.py                      # downloads the sdist with pip
    python scripts/extract_adn.py --sdist pynapple-0.11.4.tar.gz

The download runs ``pip download --no-deps --no-binary :all: pynapple==0.11.4``.
The wheel has no test data, which is why the sdist is needed. Before reading
anything, the script checks the archive's file name, SHA-256 and the version in
its ``PKG-INFO``. After reading, it checks the content it expects (7 ADn units,
8 CA1 units, tracking inside the wake epoch). h5py is needed by this script
only; hdlesson reads the ``.npz`` with NumPy.

Layout of the NWB file (NWB 2.4.0), as found with h5py
-------------------------------------------------------
``units/``
    ``spike_times`` (98794,) float64 seconds, all units concatenated;
    ``spike_times_index`` (15,) uint32, the end offset of each unit in
    ``spike_times`` (NWB VectorIndex); ``id`` (15,) int64; ``location`` (15,)
    bytes, ``b'adn'`` for units 0-6 and ``b'ca1'`` for units 7-14; ``group``
    (15,) int64, the shank (0 = ADn, 1 = CA1); ``electrode_group`` (15,) object
    references to ``general/extracellular_ephys/group0_`` or ``group1_``.
``acquisition/CompassDirection/{rx, ry, rz}/``
    ``data`` (63527,) float64 radians in [0, 2*pi) and ``timestamps`` (63527,)
    float64 seconds. ``ry`` is the head direction in the horizontal plane (the
    rotation about the vertical axis). Tuning curves of the ADn units against
    ``rx`` and ``rz`` leave bins empty, because those angles (pitch and roll)
    stay near 0 and 2*pi. Timestamps run from 670.64 s to 1199.99 s with steps
    of 8.30-8.35 ms (119.8 Hz).
``acquisition/Position/{x, y, z}/``
    Position at the same timestamps, values within about -0.25 to 0.51 (the
    ``unit`` attribute is empty); not extracted.
``acquisition/sleep_ripples``, ``intervals/sleep_ripples``
    594 sharp-wave ripple events during sleep; not extracted.
``intervals/epochs/``
    ``start_time`` [0, 600], ``stop_time`` [600, 1200], ``tags`` ``[b'sleep',
    b'wake']`` with ``tags_index`` [1, 2]: one tag per epoch, so 0-600 s is
    sleep and 600-1200 s is wake.
``intervals/position_time_support/``
    One interval, 670.6407-1199.99495 s: the span of the tracking.
``general/extracellular_ephys/electrodes``
    16 channels, 10 labelled ``adn`` and 6 ``ca1``; coordinates are all zero.
``session_start_time``
    ``2022-02-07T22:44:52.849541+00:00``; ``identifier`` ``A2929-200711``;
    ``general/experimenter`` ``guillaume``. Subject fields are empty.

Spike times and tracking timestamps both lie on a 20 kHz grid (multiples of
50 us, within float rounding), so the tracking timestamps are most likely
frame pulses recorded by the acquisition system, on the same clock as the
spikes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from email.parser import HeaderParser
from pathlib import Path

import numpy as np

PYNAPPLE_VERSION = "0.11.4"
SDIST_NAME = f"pynapple-{PYNAPPLE_VERSION}.tar.gz"
# SHA-256 of pynapple-0.11.4.tar.gz as served by PyPI, observed when this
# script was written (89,506,875 bytes).
SDIST_SHA256 = "c46a7f98585417a60df59b023823aeb4f18a1672bb33a9c21cd380578f94d79f"
ARCHIVE_ROOT = f"pynapple-{PYNAPPLE_VERSION}"
NWB_MEMBER = f"{ARCHIVE_ROOT}/tests/nwbfilestest/neurosuite/pynapplenwb/A2929-200711.nwb"
LICENSE_MEMBER = f"{ARCHIVE_ROOT}/LICENSE"
PKG_INFO_MEMBER = f"{ARCHIVE_ROOT}/PKG-INFO"

SESSION_ID = "A2929-200711"
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT_DIR = REPO_ROOT / "hdlesson" / "biology" / "data"
NPZ_NAME = f"{SESSION_ID}.npz"
LICENSE_NAME = "LICENSE-pynapple.txt"

EXPECTED_UNITS = {"adn": 7, "ca1": 8}
MAX_NPZ_BYTES = 1_000_000


class SdistCheckError(ValueError):
    """The source distribution is not the pynapple release this script expects."""


class ContentCheckError(ValueError):
    """The NWB file does not contain what this script expects."""


def sha256_of(path: Path) -> str:
    """Return the hexadecimal SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sdist(path, expected_sha256: str = SDIST_SHA256) -> Path:
    """Raise SdistCheckError unless ``path`` is the expected pynapple sdist.

    Checks that the file exists, that its name is ``pynapple-0.11.4.tar.gz``,
    that its SHA-256 equals ``expected_sha256``, and that the ``PKG-INFO``
    inside the archive declares version 0.11.4. Returns the path.
    """
    path = Path(path)
    if not path.is_file():
        raise SdistCheckError(
            f"sdist {path} not found; pass the path of {SDIST_NAME} or omit --sdist to "
            "download it with pip."
        )
    if path.name != SDIST_NAME:
        raise SdistCheckError(
            f"sdist file name is {path.name!r}; expected {SDIST_NAME!r}. Download it with "
            f"pip download --no-deps --no-binary :all: pynapple=={PYNAPPLE_VERSION}."
        )

    observed = sha256_of(path)
    if observed != expected_sha256:
        raise SdistCheckError(
            f"SHA-256 of {path} is {observed}; expected {expected_sha256}. The file is "
            "corrupt or not the PyPI release; delete it and download it again."
        )

    version = _read_sdist_version(path)
    if version != PYNAPPLE_VERSION:
        raise SdistCheckError(
            f"PKG-INFO in {path} declares version {version!r}; expected {PYNAPPLE_VERSION!r}."
        )
    return path


def _read_sdist_version(path: Path) -> str | None:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(PKG_INFO_MEMBER)
            text = member.read().decode("utf-8") if member is not None else ""
    except KeyError:
        raise SdistCheckError(f"{path} has no {PKG_INFO_MEMBER}; it is not a pynapple sdist.") from None
    except (tarfile.TarError, OSError) as error:
        raise SdistCheckError(f"{path} is not a readable .tar.gz archive: {error}") from None
    return HeaderParser().parsestr(text).get("Version")


def download_sdist(directory: Path) -> Path:
    """Download the pynapple sdist into ``directory`` with pip and return its path."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
        f"pynapple=={PYNAPPLE_VERSION}", "-d", str(directory),
    ]
    print("Running:", " ".join(command), flush=True)
    subprocess.run(command, check=True)
    path = directory / SDIST_NAME
    if not path.is_file():
        raise SdistCheckError(f"pip download finished but {path} is missing.")
    return path


def read_archive_members(sdist: Path) -> tuple[bytes, str]:
    """Return the NWB file's bytes and the licence text from the sdist."""
    with tarfile.open(sdist, "r:gz") as archive:
        nwb = archive.extractfile(NWB_MEMBER)
        licence = archive.extractfile(LICENSE_MEMBER)
        if nwb is None or licence is None:
            raise SdistCheckError(f"{sdist} lacks {NWB_MEMBER} or {LICENSE_MEMBER}.")
        return nwb.read(), licence.read().decode("utf-8")


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_session(nwb_bytes: bytes) -> dict:
    """Read spikes, unit labels, head direction and epochs from the NWB file.

    Returns a dict of NumPy arrays ready for ``numpy.savez_compressed``. String
    fields are stored as fixed-width Unicode so the file loads without pickle.
    """
    import h5py  # needed by this script only, not by hdlesson at run time

    with h5py.File(io.BytesIO(nwb_bytes), "r") as nwb:
        units = nwb["units"]
        spike_times = units["spike_times"][:].astype(np.float64)
        spike_end = units["spike_times_index"][:].astype(np.int64)
        unit_ids = units["id"][:].astype(np.int64)
        locations = np.array([_text(v) for v in units["location"][:]])
        shanks = units["group"][:].astype(np.int64)
        electrode_groups = np.array(
            [nwb[reference].name.rsplit("/", 1)[-1] for reference in units["electrode_group"][:]]
        )

        heading_series = nwb["acquisition/CompassDirection/ry"]
        heading = heading_series["data"][:]
        tracking_times = heading_series["timestamps"][:].astype(np.float64)

        epochs = nwb["intervals/epochs"]
        epoch_tags = [_text(v) for v in epochs["tags"][:]]
        epoch_tag_end = epochs["tags_index"][:].astype(np.int64)
        epoch_start = epochs["start_time"][:].astype(np.float64)
        epoch_stop = epochs["stop_time"][:].astype(np.float64)

        support = nwb["intervals/position_time_support"]
        tracking_support = np.array([support["start_time"][0], support["stop_time"][0]])

        session_start = _text(nwb["session_start_time"][()])
        identifier = _text(nwb["identifier"][()])

    # One tag per epoch: tags_index gives the end offset of each epoch's tags.
    tag_start = np.concatenate([[0], epoch_tag_end[:-1]])
    epoch_names = np.array([",".join(epoch_tags[a:b]) for a, b in zip(tag_start, epoch_tag_end)])

    return {
        "session_id": np.array(identifier),
        "session_start_time": np.array(session_start),
        "spike_times": spike_times,
        "spike_times_index": spike_end,
        "unit_ids": unit_ids,
        "unit_locations": locations,
        "unit_shanks": shanks,
        "unit_electrode_groups": electrode_groups,
        # float32 keeps the file under 1 MB; rounding error < 5e-7 rad.
        "head_direction": heading.astype(np.float32),
        "tracking_times": tracking_times,
        "tracking_support": tracking_support,
        "epoch_names": epoch_names,
        "epoch_start": epoch_start,
        "epoch_stop": epoch_stop,
        "source": np.array(
            f"pynapple {PYNAPPLE_VERSION} sdist (sha256 {SDIST_SHA256}), member {NWB_MEMBER}; "
            "recording from the Peyrache lab; MIT licence, see LICENSE-pynapple.txt"
        ),
    }


def check_session(arrays: dict) -> None:
    """Raise ContentCheckError unless the extracted arrays match the known recording."""
    problems = []

    if str(arrays["session_id"]) != SESSION_ID:
        problems.append(f"identifier is {arrays['session_id']!s}, expected {SESSION_ID}")
    for region, count in EXPECTED_UNITS.items():
        found = int(np.sum(arrays["unit_locations"] == region))
        if found != count:
            problems.append(f"{found} units in {region}, expected {count}")

    end = arrays["spike_times_index"]
    if end.size != arrays["unit_ids"].size or end[-1] != arrays["spike_times"].size:
        problems.append("spike_times_index does not match spike_times and unit ids")
    for unit, spikes in enumerate(np.split(arrays["spike_times"], end[:-1])):
        if spikes.size == 0 or np.any(np.diff(spikes) < 0):
            problems.append(f"spike times of unit {unit} are empty or unsorted")

    times = arrays["tracking_times"]
    heading = arrays["head_direction"]
    if times.shape != heading.shape or np.any(np.diff(times) <= 0):
        problems.append("tracking timestamps are not increasing or do not match head_direction")
    if not np.all(np.isfinite(heading)) or heading.min() < 0 or heading.max() >= 2 * np.pi + 1e-6:
        problems.append("head_direction has values outside [0, 2*pi) or non-finite values")

    names = list(arrays["epoch_names"])
    if sorted(names) != ["sleep", "wake"]:
        problems.append(f"epochs are {names}, expected sleep and wake")
    else:
        wake = names.index("wake")
        if times[0] < arrays["epoch_start"][wake] or times[-1] > arrays["epoch_stop"][wake]:
            problems.append("tracking extends outside the wake epoch")

    if problems:
        raise ContentCheckError("extracted session failed its checks: " + "; ".join(problems))


def licence_notice(licence_text: str) -> str:
    """Return the licence file text: attribution followed by pynapple's MIT licence."""
    return (
        f"The file {NPZ_NAME} in this folder is extracted from the test file\n"
        f"{NWB_MEMBER}\n"
        f"of the pynapple {PYNAPPLE_VERSION} source distribution (PyPI, SHA-256\n"
        f"{SDIST_SHA256}).\n"
        "\n"
        "Recording: session A2929-200711 (subject A2929), units in the anterodorsal\n"
        "thalamic nucleus and CA1 with head-direction tracking, from the Peyrache lab\n"
        "(experimenter recorded in the file: guillaume). Distributed by the pynapple\n"
        "authors (https://github.com/pynapple-org/pynapple) under the licence below.\n"
        "\n"
        "Extracted fields: spike times and labels of all 15 units, head direction\n"
        "(acquisition/CompassDirection/ry, stored as float32) with its timestamps,\n"
        "the sleep and wake epochs and the tracking interval. The script\n"
        "scripts/extract_adn.py of hdlesson regenerates the file.\n"
        "\n"
        "---- pynapple LICENSE ----\n"
        "\n" + licence_text
    )


def write_outputs(arrays: dict, licence_text: str, output_dir: Path) -> tuple[Path, Path]:
    """Write the .npz and the licence file; return their paths."""
    output_dir.mkdir(parents=True, exist_ok=True)
    npz_path = output_dir / NPZ_NAME
    np.savez_compressed(npz_path, **arrays)
    size = npz_path.stat().st_size
    if size > MAX_NPZ_BYTES:
        raise ContentCheckError(
            f"{npz_path} is {size} bytes, above the {MAX_NPZ_BYTES}-byte budget; drop fields "
            "or store them at lower precision."
        )

    licence_path = output_dir / LICENSE_NAME
    licence_path.write_text(licence_notice(licence_text), encoding="utf-8")
    return npz_path, licence_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sdist", type=Path, default=None,
        help=f"path of an already downloaded {SDIST_NAME}; downloaded with pip when omitted",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
        help="folder for the .npz and the licence file (default: hdlesson/biology/data)",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        sdist = args.sdist if args.sdist is not None else download_sdist(Path(scratch))
        verify_sdist(sdist)
        print(f"Verified {sdist} (SHA-256 {SDIST_SHA256}).", flush=True)

        nwb_bytes, licence_text = read_archive_members(sdist)

    arrays = read_session(nwb_bytes)
    check_session(arrays)
    npz_path, licence_path = write_outputs(arrays, licence_text, args.output_dir)

    n_spikes = arrays["spike_times"].size
    print(f"Wrote {npz_path} ({npz_path.stat().st_size} bytes, {n_spikes} spikes, "
          f"{arrays['tracking_times'].size} tracking samples).")
    print(f"Wrote {licence_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
