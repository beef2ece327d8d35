"""The standard question set of the citizen dialogue survey, fixed in code.

Every survey asks the same questions with the same answer scales, so that rounds and
municipalities compare, in the manner of the police's trygghetsmätning and Brå's NTU:

* feeling safe outdoors alone in one's own area late in the evening, and in daytime
  (very safe 1, fairly safe 2, fairly unsafe 3, very unsafe 4; "I do not go out because I feel
  unsafe" 5, counted as unsafe and as 4 in the mean);
* worry about being exposed to crime in the area (not at all 1 … very worried 4);
* a list of neighbourhood problems, each rated (no problem 1, small 2, fairly big 3, big 4),
  taken from the EST standard categories (littering, vandalism and graffiti, drug dealing,
  gatherings that create insecurity, poor lighting, overgrown bushes, reckless driving,
  drunkenness, fights and violence, burglary).

"Don't know" is stored as 0 and left out of every statistic. Each question has a binary
outcome for the share (unsafe, worried, a big problem: the answers at or above `cut`) and a
mean score on 1–4. No age or gender is asked: the survey is about places, and with groups of
ten or more per area such a split would suppress nearly every cell.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DONT_KNOW = 0

SAFETY_SCALE = (
    (1, _("Very safe")),
    (2, _("Fairly safe")),
    (3, _("Fairly unsafe")),
    (4, _("Very unsafe")),
    (5, _("I do not go out because I feel unsafe")),
    (DONT_KNOW, _("Don't know")),
)
WORRY_SCALE = (
    (1, _("Not at all worried")),
    (2, _("A little worried")),
    (3, _("Fairly worried")),
    (4, _("Very worried")),
    (DONT_KNOW, _("Don't know")),
)
PROBLEM_SCALE = (
    (1, _("No problem")),
    (2, _("A small problem")),
    (3, _("A fairly big problem")),
    (4, _("A big problem")),
    (DONT_KNOW, _("Don't know")),
)


@dataclass(frozen=True)
class Question:
    code: str
    text: Promise
    short: Promise  # the column heading in results
    scale: tuple[tuple[int, Promise], ...]
    outcome: Promise  # what the share counts, e.g. "unsafe"
    cut: int = 3  # answers >= cut count towards the share
    top: int = 4  # answers above are scored as `top` in the mean

    def score(self, value: int) -> int:
        return min(value, self.top)


SAFETY = (
    Question(
        "evening",
        _(
            "How safe or unsafe would you feel walking alone outdoors in your area late "
            "in the evening?"
        ),
        _("Unsafe in the evening"),
        SAFETY_SCALE,
        _("feel unsafe"),
    ),
    Question(
        "daytime",
        _("How safe or unsafe would you feel walking alone outdoors in your area in the daytime?"),
        _("Unsafe in the daytime"),
        SAFETY_SCALE,
        _("feel unsafe"),
    ),
    Question(
        "worry",
        _("How worried are you about being exposed to crime in your area?"),
        _("Worried about crime"),
        WORRY_SCALE,
        _("fairly or very worried"),
    ),
)

PROBLEM_NAMES = (
    ("littering", _("Littering")),
    ("vandalism", _("Vandalism and graffiti")),
    ("drugs", _("Drug dealing in public")),
    ("gatherings", _("Groups of youths or others who disturb or create insecurity")),
    ("lighting", _("Poor lighting")),
    ("bushes", _("Overgrown bushes and blocked views")),
    ("driving", _("Reckless driving (mopeds, cars)")),
    ("drunkenness", _("Drunk people outdoors")),
    ("violence", _("Fights and violence outdoors")),
    ("burglary", _("Burglary in homes, cellars and storage rooms")),
)

PROBLEMS = tuple(
    Question(f"problem_{code}", name, name, PROBLEM_SCALE, _("a fairly or very big problem"))
    for code, name in PROBLEM_NAMES
)

QUESTIONS = SAFETY + PROBLEMS
BY_CODE = {q.code: q for q in QUESTIONS}
QUESTION_CHOICES = [(q.code, q.short) for q in QUESTIONS]
# The share that feeds the need score and the situational picture.
HEADLINE = "evening"
