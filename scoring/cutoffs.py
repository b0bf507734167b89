"""Every cut-off and band of the screening spec (section 3), in one place.

Bands are (lower bound, name) pairs, highest first: a score takes the first band whose lower
bound it reaches.
"""

AUDITC_POSITIVE_MALE = 4
AUDITC_POSITIVE_OTHER = 3
AUDITC_HIGH = 8

# TAPS-1 frequencies: 0 never, 1 less than monthly, 2 monthly, 3 weekly, 4 daily or almost daily.
TAPS1_POSITIVE = 1
TAPS1_MONTHLY = 2
TAPS1_WEEKLY = 3
TAPS1_DAILY = 4

PHQ9_BANDS = ((20, "severe"), (15, "moderately_severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
GAD7_BANDS = ((15, "severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
PHQ9_HIGH = 20
GAD7_HIGH = 15
PHQ9_MODERATE = 10
GAD7_MODERATE = 10
PHQ9_SUICIDE_ITEM_ELEVATED = 1
# A diagnosis once given counts toward mental health only with current symptoms: PHQ-9 or GAD-7
# at least "mild" (revision 2).
DIAGNOSIS_CURRENT_SYMPTOMS = 5

# Prins 2016 suggested 3; Bovin 2021 found 4 best balanced. A screen prefers sensitivity.
PCPTSD5_POSITIVE = 3

BAM_USE_ITEMS = (4, 5, 6)
BAM_RISK_ITEMS = (1, 2, 3, 8, 11, 15)
BAM_PROTECTIVE_ITEMS = (9, 10, 12, 13, 14, 16)
BAM_USE_SIGNIFICANT = 1  # at or above
BAM_RISK_SIGNIFICANT = 12  # at or above
BAM_PROTECTIVE_SIGNIFICANT = 12  # at or below: too little protection

MSPSS_SUBSCALES = {
    "significant_other": (1, 2, 5, 10),
    "family": (3, 4, 8, 11),
    "friends": (6, 7, 9, 12),
}
MSPSS_LOW_BELOW = 3.0
MSPSS_HIGH_ABOVE = 5.0

RELAPSE_HIGH_SIGNS = 3
RELAPSE_MODERATE_SIGNS = 2
# BAM 8 (cravings) at "moderately" or more is a substance-specific sign of relapse risk.
BAM_CRAVINGS_SIGNIFICANT = 2

# Daily drinking at 65+ is a medical withdrawal risk from AUDIT-C item 2 at this answer
# (three or more drinks on a typical day).
AUDITC2_THREE_OR_MORE = 1


def band(score: int, bands: tuple[tuple[int, str], ...]) -> str:
    for lower, name in bands:
        if score >= lower:
            return name
    raise ValueError(f"score {score} is below every band")
