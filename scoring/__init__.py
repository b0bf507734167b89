"""The rules module: questionnaire data, validation, scores, domains, suggestion and flags.

Also the clinical vocabularies (``scoring.vocab``) and the FHIR exports (``scoring.fhir``, the
Questionnaires; ``scoring.fhir_response``, one screen's QuestionnaireResponse). Pure: it reads
the questionnaire files and imports only the standard library, pydantic, PyYAML and
fhir.resources; never intake, ui or streamlit, so anything above may use it. Public API::

    from scoring import evaluate, ScreenInvalid
    result = evaluate({"respondent": "self", "answers": {...}})
"""

from scoring.domains import safety_so_far
from scoring.engine import RULES_VERSION, evaluate, score, validate
from scoring.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from scoring.validation import ScreenInvalid, ValidScreen

__all__ = [
    "RULES_VERSION",
    "Questionnaire",
    "QuestionnaireError",
    "ScreenInvalid",
    "ValidScreen",
    "evaluate",
    "load_questionnaire",
    "safety_so_far",
    "score",
    "validate",
]
