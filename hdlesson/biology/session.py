"""Load the shipped head-direction recording, session A2929-200711 of the Peyrache lab.

The file ``data/A2929-200711.npz`` contains spike times of 7 anterodorsal
thalamic nucleus (ADn) units and 8 CA1 units, head direction (HD) tracked at
about 120 Hz for about 530 s of exploration (the wake epoch), and the sleep and
wake epochs. ``scripts/extract_adn.py`` extracted it from a test file of the
pynapple 0.11.4 source distribution (MIT licence; see
``data/LICENSE-pynapple.txt``).

NOTE: the NWB file leaves the subject fields, species included, empty, so
that the animal is a mouse is not confirmed by the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import numpy as np

DATA_FILE = "A2929-200711.npz"
REGIONS = ("adn", "ca1")


@dataclass(frozen=True)
class ADnSession:
    """One recording session: spikes of every unit, the tracked HD and the epochs.

    Attributes
    ----------
    session_id : str
        NWB identifier, ``"A2929-200711"``.
    unit_ids : ndarray, shape (units,), int
        NWB unit ids, 0-14.
    unit_locations : ndarray, shape (units,), str
        Brain region of each unit, ``"adn"`` or ``"ca1"``.
    unit_shanks : ndarray, shape (units,), int
        Recording shank of each unit (0 for ADn, 1 for CA1).
    spike_times : tuple of ndarray
        One sorted array of spike times in seconds per unit, over the whole
        session (sleep and wake).
    tracking_times : ndarray, shape (samples,)
        Time of each HD sample in seconds, on the same clock as the spikes.
    head_direction : ndarray, shape (samples,)
        HD in radians in ``[0, 2*pi)``, the rotation of the head about the
        vertical axis. Positive angular velocity increases this angle.
    epochs : dict of str to (float, float)
        ``"sleep"`` and ``"wake"`` intervals ``(start, stop)`` in seconds.
    tracking_interval : tuple of float
        ``(start, stop)`` of the tracking in seconds; it lies inside the wake
        epoch.
    source : str
        Where the data come from and under which licence.
    """

    session_id: str
    unit_ids: np.ndarray
    unit_locations: np.ndarray
    unit_shanks: np.ndarray
    spike_times: tuple
    tracking_times: np.ndarray
    head_direction: np.ndarray
    epochs: dict = field(default_factory=dict)
    tracking_interval: tuple = (0.0, 0.0)
    source: str = ""

    @property
    def n_units(self) -> int:
        return len(self.spike_times)

    @property
    def tracking_rate_hz(self) -> float:
        """Median sampling rate of the HD tracking in Hz."""
        return float(1.0 / np.median(np.diff(self.tracking_times)))

    @property
    def tracking_duration_s(self) -> float:
        """Time from the first to the last HD sample in seconds."""
        return float(self.tracking_times[-1] - self.tracking_times[0])

    def units_in(self, region: str) -> np.ndarray:
        """Return the indices of the units recorded in ``region`` (``"adn"`` or ``"ca1"``)."""
        if region not in REGIONS:
            raise ValueError(f"region={region!r} is invalid; use one of {REGIONS}.")
        return np.flatnonzero(self.unit_locations == region)

    @property
    def adn_units(self) -> np.ndarray:
        """Indices of the ADn units."""
        return self.units_in("adn")

    def select_units(self, units="adn") -> np.ndarray:
        """Return unit indices from a region name, ``"all"`` or a sequence of indices.

        Parameters
        ----------
        units : str or sequence of int
            ``"adn"``, ``"ca1"``, ``"all"``, or indices into ``spike_times``.
        """
        if isinstance(units, str):
            if units == "all":
                return np.arange(self.n_units)
            return self.units_in(units)

        indices = np.asarray(units)
        if indices.ndim != 1 or indices.size == 0 or not np.issubdtype(indices.dtype, np.integer):
            raise ValueError(
                f"units={units!r} is invalid; pass 'adn', 'ca1', 'all' or a non-empty list of "
                "unit indices."
            )
        if indices.min() < 0 or indices.max() >= self.n_units:
            raise ValueError(
                f"units={units!r} contains indices outside 0..{self.n_units - 1}; use indices "
                "into spike_times."
            )
        return indices

    def epoch(self, name: str) -> tuple:
        """Return the ``(start, stop)`` of the epoch ``name`` in seconds."""
        if name not in self.epochs:
            raise KeyError(f"epoch {name!r} not found; this session has {sorted(self.epochs)}.")
        return self.epochs[name]


def load_adn_session() -> ADnSession:
    """Load the shipped recording A2929-200711 (7 ADn units, 8 CA1 units, HD at ~120 Hz).

    Returns
    -------
    ADnSession
        Spike times in seconds, HD in radians with its timestamps in seconds,
        and the sleep and wake epochs.
    """
    data_path = resources.files("hdlesson.biology").joinpath("data", DATA_FILE)
    if not data_path.is_file():
        raise FileNotFoundError(
            f"{DATA_FILE} not found in the hdlesson.biology package; reinstall hdlesson, or "
            "regenerate it with python scripts/extract_adn.py."
        )

    with data_path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        spike_end = data["spike_times_index"]
        spike_times = tuple(
            np.array(spikes) for spikes in np.split(data["spike_times"], spike_end[:-1])
        )
        epochs = {
            str(name): (float(start), float(stop))
            for name, start, stop in zip(data["epoch_names"], data["epoch_start"], data["epoch_stop"])
        }
        support = data["tracking_support"]

        return ADnSession(
            session_id=str(data["session_id"]),
            unit_ids=data["unit_ids"],
            unit_locations=data["unit_locations"].astype(str),
            unit_shanks=data["unit_shanks"],
            spike_times=spike_times,
            tracking_times=data["tracking_times"],
            head_direction=data["head_direction"].astype(np.float64),
            epochs=epochs,
            tracking_interval=(float(support[0]), float(support[1])),
            source=str(data["source"]),
        )
