"""Public health statistics, as OHID (formerly PHE) computes them for Fingertips.

One public function per method. Every function takes a pandas DataFrame, column names and an
optional ``group_by`` list, validates its input (raising :class:`StatsInputError`, a
``ValueError``, with a plain-English message naming the column or parameter at fault) and
returns a DataFrame with columns ``value``, ``lower_ci`` and ``upper_ci`` plus the inputs.

Confidence levels
    ``confidence`` is one level in [0.9, 1) or a sequence of levels, e.g. ``(0.95, 0.998)``.
    The first level gives ``lower_ci``/``upper_ci``; each further level gives
    ``lower_<level>_ci``/``upper_<level>_ci`` with the level in percent and ``_`` for the decimal
    point (``lower_99_8_ci``). The levels used are kept in ``result.attrs["confidence"]``.

Methods and references
    * proportions: Wilson score interval -- PHEindicatormethods ``phe_proportion``;
      Wilson EB (1927) J Am Stat Assoc 22:209-12; Newcombe RG, Altman DG (2000) in *Statistics
      with confidence* 2nd edn pp 46-8.
    * crude rates: Byar's approximation, exact Poisson (chi-square) for counts < 10 --
      PHEindicatormethods ``phe_rate`` (``crude_rate``; ``rate_ci_from_count`` for a published
      rate whose population is not published); Breslow NE, Day NE (1987) *Statistical methods in cancer
      research* vol II; Armitage P, Berry G (2002) *Statistical methods in medical research*.
    * directly standardised rates: Dobson method -- PHEindicatormethods ``phe_dsr`` /
      ``calculate_dsr``; Dobson AJ et al (1991) Stat Med 10:457-62; European Standard
      Population 2013 (Eurostat).
    * slope and relative index of inequality: PHEindicatormethods ``phe_sii``; Low A, Low A
      (2004) J Public Health 26:388-95; OHID PHOF indicator 0.2iii / Fingertips 92901.
    * life expectancy: Chiang II abridged life table with a 90+ band and Silcocks' variance for
      the last band -- PHEindicatormethods ``phe_life_expectancy``; Chiang CL (1968); Silcocks
      PBS et al (2001) J Epidemiol Community Health 55:38-43; Eayres DP, Williams ES (2004)
      J Epidemiol Community Health 58:243-9.
    * quantiles: PHEindicatormethods ``phe_quantile``; OHID technical guide *Assigning
      deprivation categories*.
    * funnel plots adjusted for overdispersion: ``funnel_overdispersed``, with
      ``funnel_limit_curves`` to draw the limits and ``funnel_position`` to put a unit's place
      in words. Spiegelhalter's additive random-effects method: each unit's value is put on a
      variance-stabilised scale (arcsine square root for proportions; for indirectly
      standardised ratios the log, as NHS Digital's SHMI, or the square root, as CQC) and
      scored as a z-score; the z-scores are winsorised at 10% in each tail (SHMI: the top and
      bottom 10% are truncated instead) before the dispersion ratio phi and the between-unit
      variance tau2 (DerSimonian-Laird) are estimated, and tau2 widens the 95% and 99.8%
      limits. When phi <= 1 there is no overdispersion and the unadjusted limits are used
      (arcsine normal approximation for proportions, exact Poisson for ratios). Reference
      implementation NHS-R FunnelPlotR 0.6.0, reproduced for 90 settings on 10 NHS datasets,
      with two deliberate differences: limits past 0% or 100% are set to 0% or 100% at every
      denominator, and CQC limits are squared back from the square-root scale. Spiegelhalter
      DJ (2005) Stat Med 24:1185-1202 and Qual Saf Health Care 14:347-51; Spiegelhalter DJ et
      al (2012) J R Stat Soc A 175:1-47; DerSimonian R, Laird N (1986) Control Clin Trials
      7:177-88.
    * funnel plots: PHEindicatormethods ``phe_funnels`` / ``phe_funnel_significance``
      (limits with no between-area variation); Spiegelhalter DJ (2005) Stat Med 24:1185-1202;
      Fingertips technical guidance.
    * statistical process control: XmR charts read with the NHS England / NHS Improvement
      *Making Data Count* rules, exactly as the NHS-R Community's R package NHSRplotthedots
      0.2.2 (``ptd_spc``) computes them, and tested point for point against its outputs for 21
      series (857 points). Mean and process limits mean -/+ 2.66 x the average moving range;
      moving ranges of 3.267 x the average or more are screened out once before the limits are
      set (as the package does by default; the MDC Excel tools do not screen). Special causes,
      one label per point in this order: a point beyond a process limit; a trend of 7 points
      each higher (or lower) than the one before; two of three points in a row between the
      2-sigma line (mean -/+ 1.773 x the average moving range) and the process limit, all three
      on the same side of the mean (the MDC tools since late 2023 also count points beyond the
      limit, an option here); a run of 7 points on one side of the mean (a point on the mean
      breaks a run, a repeated value breaks a trend). Limits can be recalculated from given
      dates (rebasing) and fixed on the first n points (n at least 12); groups of fewer than 13
      points have provisional limits. Variation: the kind of the latest point (improvement,
      concern, neutral or common cause); assurance: a target beyond the latest process limits
      is consistently met or missed, a target between them is hit and miss. NHS England /
      NHS Improvement *Making Data Count* (2019) and *Strengthening your decisions* (2021);
      XmR chart (Wheeler DJ, *Understanding Variation*, 2000).
    * weighted means: ``weighted_mean`` of unit values (e.g. one value per GP practice, weighted by
      list size), with the linearisation (sandwich) variance of a ratio estimator and Student's t on
      n - 1 degrees of freedom, computed as statsmodels' weighted least squares with HC1 robust
      standard errors -- Cochran WG (1977) *Sampling techniques* 3rd edn, ch. 6.
    * differences between two estimates: MOVER, the method of variance estimates recovery, from
      the two estimates' own confidence limits (``difference_ci``) -- Newcombe RG (1998)
      Stat Med 17:873-90 (method 10, the hybrid score interval for two proportions); Zou GY,
      Donner A (2008) Stat Methods Med Res 17:387-403.

Where the Python port of PHEindicatormethods (``PHStatsMethods`` 0.1.16, installed) computes a
method correctly and works with pandas 3 it is called (Wilson proportions, DSRs, quantiles,
funnel limits and significance); where it is missing or broken the method is written here and
the reason is given next to the code.
"""

from __future__ import annotations

from ._common import ESP2013, LIFE_TABLE_AGE_BANDS, StatsInputError
from .differences import difference_ci
from .funnel import (
    FUNNEL_LEVELS,
    FunnelPosition,
    funnel_limit_curves,
    funnel_limits,
    funnel_overdispersed,
    funnel_position,
    funnel_significance,
)
from .inequality import sii
from .life_table import life_expectancy
from .means import weighted_mean
from .quantiles import assign_quantiles, population_weighted_quantiles
from .rates import byars_ci, crude_rate, dsr, exact_poisson_ci, proportion, rate_ci_from_count, wilson_ci
from .spc import SPCResult, spc

__all__ = [
    "ESP2013",
    "FUNNEL_LEVELS",
    "FunnelPosition",
    "LIFE_TABLE_AGE_BANDS",
    "SPCResult",
    "StatsInputError",
    "assign_quantiles",
    "byars_ci",
    "crude_rate",
    "difference_ci",
    "dsr",
    "exact_poisson_ci",
    "funnel_limit_curves",
    "funnel_limits",
    "funnel_overdispersed",
    "funnel_position",
    "funnel_significance",
    "life_expectancy",
    "population_weighted_quantiles",
    "proportion",
    "rate_ci_from_count",
    "sii",
    "spc",
    "weighted_mean",
    "wilson_ci",
]
