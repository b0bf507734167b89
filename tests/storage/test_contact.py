"""Contact details a participant leaves: what is accepted and what each refusal says."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from intake.contact import ContactRequest, contact_problems


def test_phone_is_kept_as_digits():
    c = ContactRequest(name="J.D.", phone="+1 (555) 867-5309")
    assert c.phone == "+15558675309" and c.email is None and c.best_time == "any" and not c.voicemail_ok


def test_email_alone_is_enough():
    assert ContactRequest(name="JD", email="jd@example.org", best_time="morning").email == "jd@example.org"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": "", "phone": "5558675309"}, "name", "1 to 80"),
        ({"name": "x" * 81, "phone": "5558675309"}, "name", "1 to 80"),
        ({"name": "JD", "phone": "555-1234"}, "phone", "10 to 15 digits"),
        ({"name": "JD", "phone": "555 867 53O9"}, "phone", "10 to 15 digits"),
        ({"name": "JD", "phone": "1" * 16}, "phone", "10 to 15 digits"),
        ({"name": "JD", "email": "jd@localhost"}, "email", "name@example.org"),
        ({"name": "JD", "email": "not an email"}, "email", "name@example.org"),
        ({"name": "JD", "phone": " ", "email": ""}, "phone", "at least one"),
        ({"name": "JD", "phone": "5558675309", "best_time": "night"}, "best_time", "morning"),
    ],
)
def test_each_refusal_names_its_field(data, field, words):
    with pytest.raises(ValidationError):
        ContactRequest.model_validate(data)
    problems = contact_problems(data)
    assert field in problems and words in problems[field]
    assert problems[field].startswith(field) or field == "best_time"
