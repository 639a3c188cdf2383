"""Post classification: which posts are not announcements needing a written counterpart.

Always excluded (../shared/contracts.md, "Records": verdict ``excluded``): replies (``kind == "reply"``) and shares
(``kind == "share"``). Configured rules add more; built-in named rules:

* ``greetings`` – short seasonal or courtesy posts ("God jul!", "Trevlig helg",
  "Glad midsommar", "Happy New Year", "Tack alla som kom!") without key facts;
* ``engagement`` – short pure engagement posts ("Gilla och dela!", "Vad tycker du?",
  "Tagga en vän", "Which is your favourite?") without key facts or links;
* ``empty`` – posts with neither text, link nor image description.

The rule that fired is recorded in the verdict (``rule``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class ExcludeRule:
    """A configured exclusion: posts whose text matches ``pattern`` are ``excluded``.

    ``pattern`` is a Python regular expression searched case-insensitively in the
    post text. ``max_words`` (optional) limits the rule to short posts, so that a
    greeting inside a long announcement does not exclude the announcement.
    ``platforms`` (optional) limits the rule to some platforms.
    """

    name: str
    pattern: str
    max_words: int | None = None
    platforms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as exc:  # pragma: no cover - message path
            raise ValueError(f"exclude rule {self.name!r}: bad pattern: {exc}") from exc


_GREETING = (
    r"^\W*(?:god\s+jul|glad\s+(?:jul|påsk|midsommar|valborg|lucia|alla\s+hjärtans\s+dag|nationaldag|advent|första\s+advent|\w+dag)"
    r"|gott\s+nytt\s+år|trevlig\s+(?:helg|sommar|midsommar|påsk|semester|jul|lucia|kväll|fredag|valborg)"
    r"|ha\s+en\s+(?:fin|trevlig|skön|härlig)\s+\w+|grattis|stort\s+grattis|tack\s+(?:alla|för|till|så\s+mycket)"
    r"|välkommen\s+(?:tillbaka|hem)|god\s+(?:morgon|kväll|natt|fortsättning)|hej\s+då"
    r"|merry\s+christmas|happy\s+(?:new\s+year|holidays|easter|\w+\s+day|birthday|weekend|friday)"
    r"|season'?s\s+greetings|thank\s+you|thanks\s+(?:to|all|everyone)|congratulations|good\s+(?:morning|night))\b"
)
_ENGAGEMENT = (
    r"(?:gilla\s+(?:och|&)\s+dela|dela\s+gärna|tagga\s+(?:en|någon|din)|vad\s+tycker\s+(?:du|ni)|"
    r"berätta\s+(?:i\s+kommentar|gärna)|kommentera|vilken\s+är\s+(?:din|er)\s+favorit|rösta\s+på\s+din\s+favorit|"
    r"like\s+(?:and|&)\s+share|tag\s+a\s+friend|what\s+do\s+you\s+think|which\s+(?:one\s+)?is\s+your\s+favou?rite|"
    r"tell\s+us\s+in\s+the\s+comments|share\s+your)"
)

BUILTIN_RULES: dict[str, ExcludeRule] = {
    "greetings": ExcludeRule("greetings", _GREETING, max_words=20),
    "engagement": ExcludeRule("engagement", _ENGAGEMENT, max_words=30),
}


@dataclass(frozen=True)
class _Compiled:
    name: str
    regex: re.Pattern[str] | None
    max_words: int | None
    platforms: tuple[str, ...]
    needs_no_facts: bool
    empty: bool = False


def resolve_rules(rules: Iterable[ExcludeRule | str | dict]) -> tuple[_Compiled, ...]:
    out: list[_Compiled] = []
    for rule in rules:
        if isinstance(rule, dict):
            rule = ExcludeRule(
                name=str(rule.get("name") or rule.get("pattern")),
                pattern=str(rule["pattern"]),
                max_words=rule.get("max_words"),
                platforms=tuple(rule.get("platforms") or ()),
            )
        if isinstance(rule, str):
            if rule == "empty":
                out.append(_Compiled("empty", None, None, (), False, empty=True))
                continue
            if rule not in BUILTIN_RULES:
                raise ValueError(f"unknown exclude rule {rule!r} (built-in: empty, {', '.join(sorted(BUILTIN_RULES))})")
            builtin = BUILTIN_RULES[rule]
            out.append(_Compiled(builtin.name, re.compile(builtin.pattern, re.I | re.U), builtin.max_words, (), True))
            continue
        if not isinstance(rule, ExcludeRule):
            raise ValueError(f"exclude rule must be a name or ExcludeRule, not {type(rule).__name__}")
        out.append(_Compiled(rule.name, re.compile(rule.pattern, re.I | re.U), rule.max_words, rule.platforms, False))
    return tuple(out)


def exclusion_rule(post, rules: tuple[_Compiled, ...], has_facts) -> str | None:
    """Name of the first rule excluding ``post`` (``"reply"``, ``"share"``, a configured one) or None.

    ``has_facts`` is a zero-argument callable (facts are only extracted when a rule asks).
    """
    if post.kind == "reply":
        return "reply"
    if post.kind == "share":
        return "share"
    text = post.text or ""
    for rule in rules:
        if rule.platforms and post.platform not in rule.platforms:
            continue
        if rule.empty:
            alts = [m.alt for m in (post.media or []) if m.alt]
            if not text.strip() and not post.links and not alts:
                return rule.name
            continue
        if rule.max_words is not None and len(text.split()) > rule.max_words:
            continue
        if rule.regex is None or not rule.regex.search(text):
            continue
        if rule.needs_no_facts and (post.links or has_facts()):
            continue
        return rule.name
    return None
