"""Analyses of head-direction networks: tuning, unit classes, connectivity, dynamics, perturbations, ATI.

Every module uses one sign convention: positive angular velocity (AV)
increases the heading angle, which is a counter-clockwise (CCW) turn. A CCW
Shifter is most active in CCW (positive-AV) turns, a CW Shifter in CW
(negative-AV) turns, and a positive drift or offset is CCW.
"""

from hdlesson.analysis.ati import ATIResult, anticipatory_time_interval
from hdlesson.analysis.classify import (
    CCW_SHIFTER,
    CLASS_NAMES,
    COMPASS,
    CW_SHIFTER,
    INACTIVE,
    ClassifyConfig,
    UnitClasses,
    classify_from_rates,
    classify_units,
)
from hdlesson.analysis.connectivity import (
    CompassConnectivity,
    CosineKernel,
    class_pair_profiles,
    compass_connectivity,
    fit_cosine_kernel,
    shifter_offsets_deg,
    sort_units,
    sorted_weights,
    weight_profile,
)
from hdlesson.analysis.dynamics import (
    DriftResult,
    GainResult,
    PCAResult,
    SlowPoints,
    bump_drift,
    find_slow_points,
    integration_gain,
    pca_ring,
    simulate_states,
    speed_function,
)
from hdlesson.analysis.perturb import (
    DriveResult,
    JumpResult,
    SilencingResult,
    constant_av_trials,
    drive_shifters,
    jump_bump,
    silence_units,
    window_array,
)
from hdlesson.analysis.tuning import (
    av_sensitivity,
    binned_tuning,
    hd_tuning_curves,
    joint_tuning,
    mean_vector_length,
    preferred_direction,
    tuning_width_deg,
)
