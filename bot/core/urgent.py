"""Pills swallowed in a number no one takes as a dose: a rule beside search.yaml's `urgent`.

search.yaml's urgent phrases are fixed words ("swallowed a bottle", "took a handful"); a count
("I took 100 pills of 5000 IU d3") or a pet ("my dog ate my d3 capsules") has no fixed words,
so these patterns say it. A post they match gets the urgent-care message (call poison control,
or a vet), as a post with an urgent phrase does. They are narrow on purpose, so that a dose
stays a dose: "I take 2 capsules of 5000 IU", "took my 50,000 IU capsule weekly".

- Anyone who took, ate or swallowed ten or more pills, capsules, softgels, tablets or gummies
  ("took 100 pills", "swallowed 30 of her softgels", "ate a dozen caps").
- A pet that ate, swallowed or chewed pills, capsules, a bottle or vitamins: any number.
- A child who ate, swallowed or chewed an adult's pills ("my d3 capsules"), a bottle or pack,
  or five or more: a child's own two gummies are a dose.
"""

from __future__ import annotations

import re
from typing import Final

_PILLS: Final = (
    r"(?:pills?|capsules?|caps|tablets?|tabs|softgels?|soft ?gels?|gel ?caps?|gummies|gummys)"
)
_MANY_PILLS: Final = (
    r"(?:pills|capsules|caps|tablets|tabs|softgels|soft ?gels|gel ?caps|gummies|gummys)"
)
# What was done, not a habit: "took", never "take".
_SWALLOWED: Final = (
    r"(?:took|taken|ate|eaten|swallowed|chewed|downed|popped|had|got into|gotten into|licked)"
)
# Ten to 399, as digits or words ("like", "about" may come before it): not 400 or more,
# which are the strengths labels print ("took 1000 softgels" may mean 1000 IU ones).
_MANY: Final = (
    r"(?:[1-9]\d|[1-3]\d\d|a dozen|dozens|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|a hundred|hundreds|one hundred)"
)
# At most four words between: "took like 100 pills", "ate 30 of her d3 softgels".
_GAP: Final = r"(?:\s+\S+){0,4}?"
_COUNTED: Final = re.compile(
    rf"\b{_SWALLOWED}\b{_GAP}\s+{_MANY}\s+(?:of\s+(?:\S+\s+){{0,3}}?)?{_MANY_PILLS}\b"
)
_PET: Final = r"(?:dog|dogs|cat|cats|puppy|pup|kitten|pet|pets|doggo|pupper)"
_CHILD: Final = (
    r"(?:toddler|baby|infant|child|kid|kiddo|son|daughter|\d+ ?(?:year|yr|month) ?old|\d+ ?yo)"
)
# Each step an atomic group from the start: the first pet, then the first word for eating
# after it, and so on. Tried from every place, `pet.*?ate.*?pills` takes time in the cube of
# a long post's length when it does not match (1.6 s for 4,000 characters).
_PET_ATE: Final = re.compile(
    rf"^(?>.*?\b{_PET}\b)(?>.*?\b{_SWALLOWED}\b)"
    rf"(?>.*?\b(?:{_PILLS}|bottle|vitamins?|d3|supplements?)\b)",
    re.MULTILINE,  # from each line's start, as `.` stays within a line
)
_OTHERS: Final = (
    r"(?:my|mum's|mom's|mums|moms|dad's|dads|grandma's|granny's|grandpa's|grandad's|nan's|"
    r"your|our|his dad's|her dad's|someone's)"
)
_CHILD_ATE: Final = re.compile(
    rf"^(?>.*?\b{_CHILD}\b)(?>.*?\b(?:ate|eaten|swallowed|chewed|got into)\b)(?>.*?"
    rf"(?:\b{_OTHERS}\s+(?:\S+\s+){{0,3}}?{_PILLS}\b|\b(?:bottle|pack|jar|tub|blister|box)\b"
    rf"|\b(?:[5-9]|[1-9]\d)\s+(?:of\s+(?:\S+\s+){{0,3}}?)?{_MANY_PILLS}\b))",
    re.MULTILINE,
)


def swallowed_many(text: str) -> bool:
    """Whether `text` (lower case, as `normalise_term` gives it) says many pills were
    swallowed, or pills by a pet or a child (see the module's docstring)."""
    return any(pattern.search(text) for pattern in (_COUNTED, _PET_ATE, _CHILD_ATE))
