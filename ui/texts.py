"""Every participant-facing sentence that is not a questionnaire item, in one place.

Plain words, short sentences, grade 8 or below (checked by the readability tests). Where the
wording differs for a family member, the entry is a dict keyed by respondent.
"""

from __future__ import annotations

from scoring.vocab import Disposition, Domain, Level, Respondent

# A text that reads the same for everyone, or one per respondent.
Worded = str | dict[Respondent, str]

APP_TITLE = "IOP self-screen"
# The participant pages, by their address (the menu and the browser tab).
PAGE_TITLES = {
    "welcome": "Welcome",
    "screen": "Screen",
    "levels_of_care": "Levels of care",
    "families": "For families",
}
UNAVAILABLE = "The screen is not available right now. Please try again later. If you need help now, the numbers below are open 24/7."

CONSENT_VERSION = "2026-11-26.1"
CONSENT_TEXT = """
**Before you start**

- This is a screen, not a diagnosis. It takes about 15 minutes. A clinician will look at any
  suggestion with you.
- You do not have to give your name. You can do the whole screen without it.
- Your answers stay on this program's own server. We save them as you go so they are not
  lost, and we delete unsent answers after 14 days.
- Nothing goes to the program's intake team unless you choose to send it at the end.
- If you send it, only trained intake staff who sign in can read it.
- You can stop at any time.
"""
CONSENT_LABEL = "I have read this and I want to start"

RESPONDENT_QUESTION = "Who are you answering for?"
RESPONDENT_OPTIONS: dict[Respondent, str] = {
    Respondent.SELF: "For myself",
    Respondent.LOVED_ONE: "For someone I care about",
}
LOVED_ONE_NOTE = (
    "You will answer about the person you care about, as best you can. These questions were "
    "tested with people answering about themselves, so the result is a rough guide. It can "
    "still help you talk with them and with the program."
)

WELCOME_TITLE = "Is an Intensive Outpatient Program right for you?"
WELCOME_INTRO = """
This short screen helps you see what kind of care may fit you, or someone you care about,
right now. It asks about alcohol and drug use, mood, stress, past treatment and support at home.
At the end you get a suggestion, the reasons for it, and next steps.
"""
WHAT_IS_IOP = """
## What is an Intensive Outpatient Program (IOP)?

IOP is treatment for alcohol or drug use, mental health, or both. You go to sessions for about
3 hours a day, 3 to 5 days a week, often for 6 to 12 weeks. You keep living at home, and many
people keep working or going to school.

A week in IOP often has:
- group therapy with others who understand,
- one-on-one counseling,
- family sessions,
- classes on coping skills, stress and avoiding relapse,
- peer support from people in recovery.

IOP often fits people who:
- are stepping down from a hospital, detox, residential or day program,
- are at risk of going back to drinking or using,
- have both a substance use and a mental health concern,
- have a safe, supportive place to live.
"""
HOW_LONG = "The screen takes about 15 minutes. You can save and come back to it later."
NOT_A_DIAGNOSIS = (
    "This screen is not a diagnosis and not a promise of a place in a program. "
    "It suggests a level of care. A clinician will confirm what fits."
)
PRIVACY_NOTICE = """
## Your privacy

- We ask only what we need to suggest care. Your name is optional.
- Your answers are saved on this program's server so they are not lost. Unsent answers are
  deleted after 14 days.
- Nothing goes to intake unless you choose to send it. If you send it, only signed-in intake
  staff can read it, and every look is logged.
- Contact details you give are locked with encryption.
- We use no ads, no trackers and no outside analytics.
- On a shared computer, close the browser when you finish.
"""
START_BUTTON = "Start the screen"
RESUME_TITLE = "Continue a saved screen"
RESUME_LABEL = "Your resume code"
RESUME_HELP = "The 12-letter code you got when you saved, like ABCD-EFGH-JKLM."
RESUME_BUTTON = "Continue"
RESUME_UNREACHABLE = "We could not reach our records just now. Please try again in a minute."
RESUME_UNREADABLE = "This saved screen can no longer be opened. Please start a new one."

START_PROBLEMS = {
    "respondent": "Please choose who you are answering for.",
    "consent": "Please tick the box to say you have read this and want to start.",
}

NAV = {
    "back": "Back",
    "next": "Next",
    "save": "Save and get a code",
    "review_next": "See my result",
    "submit": "Send to the intake team",
}
STEP_LABEL = "Step {number} of {total}"
UNANSWERED = "Please answer this question."
UNANSWERED_SUMMARY = "Some questions still need an answer. They are marked below."
SAVED = (
    "Saved. Your resume code is below. Write it down or take a photo of it. "
    "It works until {expires}. Enter it on the start page to pick up where you left off."
)
REVIEW_TITLE = "Check your answers"
REVIEW_INTRO = "Look over your answers. You can change any section before you see your result."
REVIEW_CHANGE = "Change this section"
NOT_ANSWERED = "Not answered"

CRISIS_FOOTER = (
    "**In crisis?** Call or text **988** (Suicide & Crisis Lifeline), or chat at "
    "988lifeline.org. In danger right now, or an overdose, seizure or confusion: call **911**. "
    "SAMHSA National Helpline: **1-800-662-4357** (free, 24/7, English and Spanish)."
)
ELEVATED_BANNER: dict[Respondent, str] = {
    Respondent.SELF: (
        "Thank you for being honest. If you are having thoughts of ending your life, you do not "
        "have to wait. Call or text **988** any time, or chat at 988lifeline.org. If you are in "
        "danger right now, call **911**."
    ),
    Respondent.LOVED_ONE: (
        "Thank you for sharing this. If they are having thoughts of ending their life, you can "
        "call or text **988** for advice on how to help, any time. If they are in danger right "
        "now, call **911**."
    ),
}
CRISIS_TITLE: dict[Respondent, str] = {
    Respondent.SELF: "Let's pause here. Your safety comes first.",
    Respondent.LOVED_ONE: "Let's pause here. Their safety comes first.",
}
# What the crisis page says, by what made the screen urgent: thoughts of suicide or of harming
# others lead with 988; severe withdrawal is a medical emergency and leads with 911.
CRISIS_BODY: dict[str, dict[Respondent, str]] = {
    "safety": {
        Respondent.SELF: """
Your answer tells us you may not be safe right now. You do not have to finish this screen.

**What to do now**
- **Call or text 988**, or chat at 988lifeline.org. It is free, private and open 24/7.
  Veterans: press 1. Spanish: press 2.
- **If you are in danger right now, call 911** or go to the nearest emergency room.
- Stay with someone you trust, or ask someone to come to you.
- Move away from anything you could use to hurt yourself or anyone else.

**SAMHSA National Helpline: 1-800-662-4357** (free, 24/7, English and Spanish) can help you
find treatment.
""",
        Respondent.LOVED_ONE: """
Your answer tells us the person you care about may not be safe right now. You do not have to
finish this screen.

**What to do now**
- **Call or text 988**, or chat at 988lifeline.org. They can talk with you about how to help,
  or talk with the person directly. Free, private, 24/7. Veterans: press 1. Spanish: press 2.
- **If they are in danger right now, call 911** or take them to the nearest emergency room.
- Stay with them if you can. Do not leave them alone if you think they may act.
- Move anything they could use to hurt themselves or others out of reach.

**SAMHSA National Helpline: 1-800-662-4357** (free, 24/7, English and Spanish) can help you
find treatment.
""",
    },
    "medical": {
        Respondent.SELF: """
Your answer tells us you may have severe withdrawal. Seeing or hearing things, confusion or a
seizure after stopping alcohol or pills is a medical emergency. You do not have to finish this
screen.

**What to do now**
- **Call 911 now, or go to the nearest emergency room.** You need a doctor right away.
- Do not drive yourself. Ask someone to stay with you until help comes.
- Do not wait for it to pass, and do not take more alcohol or pills to stop it.
- If you also have thoughts of ending your life, call or text **988**, or chat at
  988lifeline.org. It is free and open 24/7.

**SAMHSA National Helpline: 1-800-662-4357** (free, 24/7, English and Spanish) can help you
find treatment.
""",
        Respondent.LOVED_ONE: """
Your answer tells us the person you care about may have severe withdrawal. Seeing or hearing
things, confusion or a seizure after stopping alcohol or pills is a medical emergency. You do
not have to finish this screen.

**What to do now**
- **Call 911 now, or take them to the nearest emergency room.** They need a doctor right away.
- Stay with them until help comes. Do not let them drive.
- Do not wait for it to pass.
- If they also have thoughts of ending their life, call or text **988** for advice, or chat at
  988lifeline.org. It is free and open 24/7.

**SAMHSA National Helpline: 1-800-662-4357** (free, 24/7, English and Spanish) can help you
find treatment.
""",
    },
}
CRISIS_SEND = (
    "You can also send what you have answered so far to our intake team. They will treat it as "
    "urgent and try to call back the same day. This does not replace calling 988 or 911."
)
CRISIS_BACK = "I chose an answer by mistake. Go back."
# Under a safety question a family member answered "I don't know" (keyed by item id).
_ASK_ABOUT_SUICIDE = (
    'It is OK not to know. You can ask them in plain words: "Are you thinking about killing '
    'yourself?" Asking does not put the idea in their head. Listen, and do not judge. Call or '
    "text 988 to learn how to ask and how to help. 988 helps worried family and friends too."
)
UNKNOWN_NOTES = {
    "cssrs.1": _ASK_ABOUT_SUICIDE,
    "cssrs.2": _ASK_ABOUT_SUICIDE,
    "cssrs.6": _ASK_ABOUT_SUICIDE,
    "safety.harm_others": (
        'It is OK not to know. You can ask them calmly: "Are you having thoughts of hurting '
        'someone?" Listen, and do not judge. For advice, call or text 988. If anyone is in '
        "danger right now, call 911."
    ),
}
# On the first step with questions added since a draft was saved.
NEW_QUESTIONS = "We added a few questions since you saved. Please answer the new ones."

DISPOSITION_HEADLINE: dict[Disposition, dict[Respondent, str]] = {
    Disposition.URGENT: {
        Respondent.SELF: "Please get help right away.",
        Respondent.LOVED_ONE: "Please get help for them right away.",
    },
    Disposition.HIGHER_LEVEL: {
        Respondent.SELF: "More support than IOP may be the safest first step for you.",
        Respondent.LOVED_ONE: "More support than IOP may be the safest first step for them.",
    },
    Disposition.IOP: {
        Respondent.SELF: "An Intensive Outpatient Program (IOP) looks like a good fit for you.",
        Respondent.LOVED_ONE: "An Intensive Outpatient Program (IOP) looks like a good fit for them.",
    },
    Disposition.IOP_WITH_SUPPORTS: {
        Respondent.SELF: "IOP could fit you, with some extra support in place.",
        Respondent.LOVED_ONE: "IOP could fit them, with some extra support in place.",
    },
    Disposition.OUTPATIENT: {
        Respondent.SELF: "Regular outpatient care may be enough for you right now.",
        Respondent.LOVED_ONE: "Regular outpatient care may be enough for them right now.",
    },
}
# Each step is a plain string for both respondents, or a dict keyed by respondent where a family
# member needs other words (the steps are theirs to take for the person they care about).
NEXT_STEPS: dict[Disposition, list[Worded]] = {
    Disposition.URGENT: [
        "Call or text 988 now, or call 911 if there is danger right now.",
        {
            Respondent.SELF: "Stay with someone you trust until the crisis passes.",
            Respondent.LOVED_ONE: "Stay with them if you can, or make sure someone they trust is with them.",
        },
        "Send your answers to intake below so they can call back the same day.",
    ],
    Disposition.HIGHER_LEVEL: [
        "Talk with intake soon. Ask about detox with medical care, a day program or residential care.",
        {
            Respondent.SELF: "If stopping alcohol or pills, do not stop suddenly on your own. Ask a doctor first.",
            Respondent.LOVED_ONE: (
                "If they are stopping alcohol or pills, they should not stop suddenly on their own. "
                "A doctor can help."
            ),
        },
        "IOP can still be a next step after this first step.",
        "Send your answers to intake below, or call the SAMHSA Helpline at 1-800-662-4357 to find care near you.",
    ],
    Disposition.IOP: [
        "Send your answers to intake below so they can set up an intake talk.",
        "At intake, a clinician will confirm what fits and find a schedule that works.",
        {
            Respondent.SELF: "Bring this summary to the appointment. Think about who at home can support you.",
            Respondent.LOVED_ONE: "Bring this summary to the appointment. Think about how you and others can support them.",
        },
    ],
    Disposition.IOP_WITH_SUPPORTS: [
        "Send your answers to intake below so they can set up an intake talk.",
        "Ask about evening or telehealth IOP, help with transport, and safe or recovery housing.",
        "Bring this summary to the appointment.",
    ],
    Disposition.OUTPATIENT: [
        "Regular counseling once a week, or a peer support group, may be enough for now.",
        {
            Respondent.SELF: "Your doctor can help you find outpatient care. So can the SAMHSA Helpline at 1-800-662-4357.",
            Respondent.LOVED_ONE: (
                "Their doctor can help them find outpatient care. So can the SAMHSA Helpline at "
                "1-800-662-4357."
            ),
        },
        "You can still send your answers to intake if you would like to talk it over.",
        "If things get harder, you can take this screen again.",
    ],
}
# Severe withdrawal is a medical emergency: its next steps lead with 911 or an emergency room.
URGENT_MEDICAL_FIRST: dict[Respondent, str] = {
    Respondent.SELF: (
        "Call 911 now, or go to the nearest emergency room. Severe withdrawal is a medical "
        "emergency. It needs a doctor right away."
    ),
    Respondent.LOVED_ONE: (
        "Call 911 now, or take them to the nearest emergency room. Severe withdrawal is a medical "
        "emergency. It needs a doctor right away."
    ),
}
# After that first step, when nothing but severe withdrawal made the screen urgent.
URGENT_MEDICAL_THEN: list[Worded] = [
    {
        Respondent.SELF: "Do not wait for it to pass, and do not stay alone.",
        Respondent.LOVED_ONE: "Do not wait for it to pass, and do not leave them alone.",
    },
    "When it is safe, send your answers to intake below so they can call back the same day.",
]
# A plain string serves both respondents; a dict keyed by respondent where the words differ.
FLAG_MESSAGES: dict[str, Worded] = {
    "crisis_resources": "Some answers touch on safety. Call or text 988 any time, day or night.",
    "same_day_contact": "Intake should contact you the same day you send this.",
    "pregnancy_priority": {
        Respondent.SELF: (
            "Pregnancy: programs often see pregnant people sooner. Do not stop alcohol or pills "
            "suddenly without a doctor. Tell intake you are pregnant."
        ),
        Respondent.LOVED_ONE: (
            "Pregnancy: programs often see pregnant people sooner. They should not stop alcohol or "
            "pills suddenly without a doctor. Tell intake they are pregnant."
        ),
    },
    "opioid_treatment_info": (
        "Opioids: medicines like buprenorphine or methadone cut the risk of overdose and help "
        "recovery. Ask intake about them. Keep naloxone (Narcan) close."
    ),
    "overdose_risk": {
        Respondent.SELF: (
            "Overdose: keep naloxone (Narcan) with you, and show people close to you where it is. "
            "It can stop an opioid overdose. Most drugstores sell it with no prescription. Never "
            "use alone. In an overdose, give naloxone and call 911. If you have had an overdose, "
            "tell intake."
        ),
        Respondent.LOVED_ONE: (
            "Overdose: keep naloxone (Narcan) where you and they can reach it, and learn how to "
            "use it. It can stop an opioid overdose. Most drugstores sell it with no prescription. "
            "Ask them never to use alone. In an overdose, give naloxone and call 911. If they have "
            "had an overdose, or you are not sure, tell intake."
        ),
    },
    "moud_continuity": {
        Respondent.SELF: (
            "Keep taking your methadone or buprenorphine as prescribed. Stopping it suddenly is "
            "dangerous: withdrawal comes back and the risk of overdose goes up. A program works "
            "with the doctor who prescribes it. It will never make you taper off or stop."
        ),
        Respondent.LOVED_ONE: (
            "They should keep taking their methadone or buprenorphine as prescribed. Stopping it "
            "suddenly is dangerous: withdrawal comes back and the risk of overdose goes up. A "
            "program works with the doctor who prescribes it. It will never make them taper off "
            "or stop."
        ),
    },
    "home_safety": {
        Respondent.SELF: (
            "You said you do not feel safe where you live. The National Domestic Violence Hotline "
            "can help: call 1-800-799-7233, or text START to 88788. It is free, private and open "
            "24/7. If you send your answers, intake staff will follow up with you about your "
            "safety. If you are in danger right now, call 911."
        ),
        Respondent.LOVED_ONE: (
            "Your answers say they do not feel safe where they live. The National Domestic "
            "Violence Hotline can help you both: call 1-800-799-7233, or text START to 88788. It "
            "is free, private and open 24/7. If you send your answers, intake staff will follow "
            "up about their safety. If anyone is in danger right now, call 911."
        ),
    },
    "housing_need": {
        Respondent.SELF: (
            "Housing: for help finding a safe place to live, call 211. It is free. It can point "
            "you to shelters and housing programs near you. Tell intake too."
        ),
        Respondent.LOVED_ONE: (
            "Housing: for help finding them a safe place to live, call 211. It is free. It can "
            "point you to shelters and housing programs near them. Tell intake too."
        ),
    },
    # Only a family member can answer "I don't know", so only they see this.
    "ask_directly": (
        "You did not know some answers about their safety. The best way to find out is to ask "
        'them, calmly and plainly: "Are you thinking about killing yourself?" and "Are you '
        'having thoughts of hurting someone?" Asking does not put the idea in their head. '
        "Listen, and do not judge. Call or text 988 for advice: it helps family and friends who "
        "are worried about someone, too. If they are in danger right now, call 911."
    ),
    "withdrawal_caution": {
        Respondent.SELF: (
            "Daily use can cause withdrawal when you stop. Do not stop suddenly on your own. Ask a "
            "doctor or intake how to stop safely."
        ),
        Respondent.LOVED_ONE: (
            "Daily use can cause withdrawal when they stop. They should not stop suddenly on their "
            "own. A doctor or intake can help them stop safely."
        ),
    },
    "collateral_report": (
        "These answers came from a family member or friend. The questions were tested with people "
        "answering about themselves, so staff will check with the person too."
    ),
    "adolescent": (
        "For people under 18: teen IOP is at least 6 hours a week and includes a parent or "
        "guardian. The scores' cut-offs were set for adults, so read them as a rough guide. "
        "Intake will talk with you about that."
    ),
}
INSTRUMENT_MEANING = {
    "auditc": ("Alcohol use (AUDIT-C)", "How much and how often alcohol is used."),
    "taps1": (
        "Tobacco and drug use (TAPS-1)",
        "How often tobacco, drugs or pills not as prescribed were used.",
    ),
    "phq9": (
        "Depression (PHQ-9)",
        "How often low mood and related problems came up in 2 weeks.",
    ),
    "gad7": ("Anxiety (GAD-7)", "How often worry and nerves came up in 2 weeks."),
    "pcptsd5": (
        "Stress after trauma (PC-PTSD-5)",
        "Signs of stress after a very frightening event.",
    ),
    "cssrs": (
        "Suicide risk (C-SSRS screen)",
        "Thoughts or actions about ending one's life in the past month.",
    ),
    "bam": ("Recovery check (BAM)", "Recent use, risks and supports for recovery in the past 30 days."),
    "mspss": (
        "Support from others (MSPSS)",
        "How much support comes from family, friends and someone special.",
    ),
}
# The suicide-risk score when a family member did not know some safety answers.
CSSRS_NONE_KNOWN = 'none known (some safety answers were "I don\'t know")'
BAND_WORDS = {
    "positive": "above the cut-off",
    "negative": "below the cut-off",
    "minimal": "minimal",
    "mild": "mild",
    "moderate": "moderate",
    "moderately_severe": "moderately severe",
    "severe": "severe",
    "low": "low",
    "high": "high",
    "none": "none",
}
# How a score reads beside its scale (ui/scores.py).
SCORE_WORDS = {
    "scale": " on a scale of {low} to {high}",
    "part": "{label} {value} of {top}",
    "taps1": "tobacco {tobacco}, drugs {drugs}, pills {rx} ({never} = never, {daily} = daily)",
    "use": "use",
    "risk": "risk",
    "protection": "protection",
}
DOMAIN_CHART_TITLE = "Your answers at a glance"
# Leads the chart's text alternative: the same levels as a sentence, for screen readers and
# anyone who cannot make out the bars.
DOMAIN_CHART_IN_WORDS = "The chart in words:"
DOMAIN_LABELS: dict[Domain, str] = {
    Domain.RELAPSE_RISK: "Relapse risk",
    Domain.DUAL_DIAGNOSIS: "Use and mental health",
    Domain.PRIOR_CARE: "Recent intensive care",
    Domain.HOME_SUPPORT: "Support at home",
    Domain.SAFETY: "Safety",
    Domain.WITHDRAWAL_MEDICAL: "Withdrawal risk",
}
LEVEL_WORDS: dict[str, str] = {
    Level.URGENT: "needs help now",
    Level.ELEVATED: "some concern",
    Level.NONE: "none",
    Level.HIGH: "high",
    Level.MODERATE: "moderate",
    Level.LOW: "low",
    Level.PRESENT: "yes",
    Level.ABSENT: "no",
    Level.RECENT_INTENSIVE: "in the last 3 months",
    Level.SOME: "some in the past",
    Level.UNSAFE: "not safe",
    Level.NOT_APPLICABLE: "does not apply",
}
RESULT_REASONS_TITLE = "Why we suggest this"
# Findings that are not reasons for the suggestion above them (IOP signs under another one).
RESULT_ALSO_NOTED_TITLE = "Also noted"
RESULT_SCORES_TITLE = "Your scores"
# Under the scores, in a language other than English, when some questions were our own translation.
TRANSLATION_NOT_VALIDATED = (
    "Some questions were in our own translation: {instruments}. Their scores were tested in "
    "English, not in these words, so read them as a rough guide."
)
RESULT_FLAGS_TITLE = "Good to know"
RESULT_NEXT_TITLE = "Next steps"
RESULT_DISCLAIMER = (
    "This is a suggestion from a screen, not a diagnosis. A clinician will talk it through with "
    "you and confirm what fits."
)
PDF_BUTTON = "Download a summary (PDF)"
PDF_TITLE = "{app}: summary"
PDF_MADE = "Made {stamp}. Summary id {summary_id}."
PDF_REFERENCE = "Reference {reference}."
PDF_CRISIS_TITLE = "Crisis help, any time"

SUBMIT_TITLE = "Send to the intake team"
SUBMIT_INTRO = (
    "If you send your answers, the intake team can review them and reach out. Leaving contact "
    "details is optional. Without them, you can still quote your reference number when you call."
)
CONTACT_WANTED = "I would like intake to contact me"
CONTACT_FIELDS = {
    "name": "First name or initials",
    "phone": "Phone number",
    "email": "Email address",
    "best_time": "Best time to reach you",
    "voicemail_ok": "Is it safe to leave a voicemail?",
}
BEST_TIMES = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening", "any": "Any time"}
SUBMITTED = "Sent. Your reference number is **{reference}**. Please keep it."
WHAT_HAPPENS_NEXT = {
    "urgent": (
        "Intake staff see urgent screens first and aim to call back within the hour, the same "
        "day. Do not wait for the call if you are in danger: call or text 988, or call 911."
    ),
    "same_day": "Intake staff aim to reach you today. If things get worse, call or text 988.",
    "routine": (
        "Intake staff usually reach out within 2 working days. If you gave no contact details, call "
        "the program and quote your reference number."
    ),
}
SUBMIT_INCOMPLETE = "Some questions still need an answer before this can be sent."
SUBMIT_FAILED = "We could not send your answers just now. Nothing was lost. Please try again."

LEVELS_TITLE = "Levels of care, in plain words"
LEVELS_INTRO = (
    "Care for alcohol, drug use and mental health comes in steps, from a weekly visit to a stay "
    "in a hospital. The right step depends on safety, health, support at home and what has or "
    "has not helped before. You can move up or down the steps as things change."
)
LEVELS = [
    (
        "Regular outpatient care",
        "Under 9 hours a week, often 1 or 2 visits",
        "Visits for counseling, therapy or medicine. You live at home and keep your routine.",
        "People who are stable, safe at home, and able to cut down or stay stopped with some help.",
    ),
    (
        "Intensive Outpatient Program (IOP)",
        "About 9 to 19 hours a week, for example 3 hours a day, 3 to 5 days a week",
        "Group and one-on-one therapy, family sessions, skills classes and peer support. You live at "
        "home. Many programs have day, evening and online groups.",
        "People leaving a hospital or a residential stay. People at risk of relapse, or with both "
        "substance use and mental health concerns. It works best with a safe home.",
    ),
    (
        "Partial hospitalization (day program, PHP)",
        "About 20 or more hours a week, most of each weekday",
        "A full day of treatment with doctors and nurses close by. You go home at night.",
        "People who need daily structure and care but do not need to stay overnight.",
    ),
    (
        "Residential treatment",
        "24 hours a day, often for weeks",
        "You live at the treatment center. Therapy, groups and support happen all day in a safe, "
        "structured place.",
        "People whose home is not safe or supportive, or who keep going back to use despite outpatient care.",
    ),
    (
        "Inpatient care and medically supervised withdrawal (detox)",
        "24 hours a day, often for days",
        "Care in a hospital or detox unit with doctors and nurses. Medicine helps the body through "
        "withdrawal safely.",
        "People at risk of dangerous withdrawal, like after daily drinking or daily sedatives. "
        "People with a serious health problem. People in a mental health crisis.",
    ),
]
LEVELS_COLUMNS = ("What it involves", "Time", "Who it suits")

FAMILIES_TITLE = "For families and friends"
FAMILIES_BODY = """
Watching someone you love struggle is hard. You cannot fix it for them, but you can help a lot.

**What IOP asks of families**
- Many programs hold family sessions, often once a week. Your part is to listen and learn.
- Rides, a calm place to rest, and help with meals and childcare make it easier to attend.
- Programs may ask you to learn about addiction and mental health, and about relapse signs.

**How to support without taking over**
- Say what you see and how you feel, without blame: "I am worried because..." works better than
  "You always...".
- Let them make their own choices about treatment when it is safe to do so.
- Praise small steps. Recovery is rarely a straight line, and a slip is not a failure.
- Set clear, kind limits. You do not have to cover up, lend money, or put up with harm.
- Take care of yourself too. Your own sleep, health and support matter.

**When to act fast**
If they talk about ending their life, have taken too much of something, have a seizure, or seem
confused: call **911**. For advice any time, call or text **988**.

**Support for you**
- Al-Anon and Nar-Anon: groups for families and friends of people who drink or use drugs.
- NAMI Family-to-Family: free classes for families of people with mental health conditions.
- SMART Recovery Family & Friends: meetings on helping a loved one, based on CRAFT.
- SAMHSA National Helpline: **1-800-662-4357**, free and open 24/7, can point you to local help.

You can take this screen for someone you care about. Choose "For someone I care about" at the
start.
"""
SCREEN_NOT_STARTED = "There is no screen open in this window. Start one, or continue with your resume code."
STAFF_LINK = "Intake staff: sign in"
WELCOME_BACK = "You have a screen in progress in this window."
CONTINUE_BUTTON = "Go back to my screen"
