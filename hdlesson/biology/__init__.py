"""Biology next to the model: a real mouse head-direction recording and an idealised fly compass.

- :mod:`~hdlesson.biology.session` loads the shipped recording A2929-200711
  (7 ADn units, 8 CA1 units, head direction at about 120 Hz).
- :mod:`~hdlesson.biology.cells` computes tuning curves of the real cells
  with the code used for network units.
- :mod:`~hdlesson.biology.angular_velocity` measures the head's angular
  velocity (AV), its statistics, and fits the task's AR(1) AV process.
- :mod:`~hdlesson.biology.recorded_trials` resamples the recorded AV to a
  network's time step and runs the network on it.
- :mod:`~hdlesson.biology.decoding` decodes head direction from the cells.
- :mod:`~hdlesson.biology.alignment` checks the spike-tracking clock
  alignment.
- :mod:`~hdlesson.biology.facts` contains every published number used, with
  its citation.
- :mod:`~hdlesson.biology.fly` builds the fly's E-PG / P-EN / P-EG / Delta7
  wiring from published rules and simulates it.
- :mod:`~hdlesson.biology.compare` puts the fly, the recording and a network
  in the form the same analysis code takes, and draws published values.
"""

from hdlesson.biology import facts
from hdlesson.biology.alignment import (
    AlignmentReport,
    check_clock_alignment,
    check_timestamps,
    scan_lags,
    turn_direction_shift,
)
from hdlesson.biology.angular_velocity import (
    AR1Fit,
    AVStatistics,
    av_statistics,
    fit_session_ar1,
    head_angular_velocity,
    resample_heading,
    session_av_statistics,
)
from hdlesson.biology.cells import CellTuning, real_cell_tuning, tracking_aligned_rates
from hdlesson.biology.compare import (
    ErrorGrowth,
    FlyNetworkView,
    align_to_preferred,
    baseline_fraction,
    class_fractions,
    draw_published_value,
    fly_as_network,
    fly_class_fractions,
    fly_effective_epg_weights,
    tracking_error_growth,
)
from hdlesson.biology.decoding import DecodingResult, decode_session, population_vector
from hdlesson.biology.fly import (
    FlyCompassWiring,
    FlyModelConfig,
    FlySimulation,
    WiringGains,
    build_fly_wiring,
    simulate_fly_compass,
)
from hdlesson.biology.recorded_trials import RecordedTrials, recorded_av_trials, track_recorded_heading
from hdlesson.biology.session import ADnSession, load_adn_session
