"""Common English (and a few Spanish) given-name nicknames, formal name -> its short forms.

Equivalence is one hop through a formal name: Bill ~ William ~ Will, but Christopher is not
Christine just because both are "Chris".
"""

from __future__ import annotations

from functools import cache

_FORMAL_TO_NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "abbie", "gail"),
    "albert": ("al", "bert"),
    "alexander": ("alex", "al", "xander", "sasha"),
    "alexandra": ("alex", "alexa", "lexi", "sandra", "sasha"),
    "alfred": ("al", "alf", "fred"),
    "allison": ("ally", "allie"),
    "amanda": ("mandy", "manda"),
    "andrew": ("andy", "drew"),
    "angela": ("angie",),
    "anthony": ("tony",),
    "barbara": ("barb", "barbie"),
    "benjamin": ("ben", "benny", "benji"),
    "bradley": ("brad",),
    "catherine": ("cathy", "cat", "kate", "katie"),
    "charles": ("charlie", "chuck", "chas"),
    "christina": ("chris", "tina", "christy"),
    "christine": ("chris", "tina", "christy"),
    "christopher": ("chris", "topher", "kit"),
    "cynthia": ("cindy",),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey"),
    "deborah": ("deb", "debbie", "debby"),
    "donald": ("don", "donny"),
    "dorothy": ("dot", "dottie"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "beth", "betsy", "betty", "eliza", "lizzie", "libby"),
    "emily": ("em", "emmy"),
    "eugene": ("gene",),
    "frances": ("fran", "frankie"),
    "francis": ("frank", "fran"),
    "francisco": ("paco", "pancho", "frank"),
    "frederick": ("fred", "freddie", "rick"),
    "gabriel": ("gabe",),
    "gabriela": ("gaby", "gabby"),
    "gerald": ("gerry", "jerry"),
    "gregory": ("greg",),
    "guadalupe": ("lupe",),
    "harold": ("hal", "harry"),
    "henry": ("hank", "harry"),
    "ignacio": ("nacho",),
    "isabel": ("izzy", "bella"),
    "isabella": ("izzy", "bella"),
    "jacob": ("jake",),
    "james": ("jim", "jimmy", "jamie"),
    "jeffrey": ("jeff",),
    "jennifer": ("jen", "jenn", "jenny"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jon", "jonny", "nathan"),
    "jose": ("pepe",),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "judith": ("judy",),
    "katherine": ("kathy", "kate", "katie", "kat", "kathryn"),
    "kathleen": ("kathy", "kate", "katie"),
    "kenneth": ("ken", "kenny"),
    "kimberly": ("kim",),
    "lawrence": ("larry",),
    "leonard": ("leo", "len", "lenny"),
    "louis": ("lou",),
    "manuel": ("manny",),
    "margaret": ("maggie", "meg", "peggy", "marge", "greta"),
    "matthew": ("matt",),
    "megan": ("meg",),
    "melissa": ("mel", "missy"),
    "michael": ("mike", "mick", "mikey"),
    "michelle": ("shelly",),
    "nathan": ("nate",),
    "nathaniel": ("nate", "nat", "nathan"),
    "nicholas": ("nick", "nicky"),
    "pamela": ("pam",),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "patrick": ("pat", "paddy"),
    "peter": ("pete",),
    "philip": ("phil",),
    "phillip": ("phil",),
    "raymond": ("ray",),
    "rebecca": ("becky", "becca"),
    "richard": ("rick", "rich", "dick", "richie"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "sandra": ("sandy",),
    "stephanie": ("steph",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue", "susie", "suzy"),
    "terrence": ("terry",),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "valerie": ("val",),
    "victoria": ("vicky", "tori"),
    "vincent": ("vince", "vinny"),
    "walter": ("walt",),
    "william": ("bill", "billy", "will", "willy", "liam"),
    "zachary": ("zach", "zack"),
}


def _formals_by_nickname() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for formal, nicks in _FORMAL_TO_NICKNAMES.items():
        for nick in nicks:
            found.setdefault(nick, []).append(formal)
    return {nick: tuple(formals) for nick, formals in found.items()}


_NICKNAME_TO_FORMALS = _formals_by_nickname()


@cache
def equivalents(name: str) -> frozenset[str]:
    """Folded given names that may stand for `name` (one hop through a formal name)."""
    formals = _NICKNAME_TO_FORMALS.get(name, ())
    found: set[str] = set(_FORMAL_TO_NICKNAMES.get(name, ())) | set(formals)
    for formal in formals:
        found.update(_FORMAL_TO_NICKNAMES[formal])
    found.discard(name)
    return frozenset(found)


def is_formal_name(name: str) -> bool:
    """A given name in its own right (sandra, john), not only a short form (bill, sam)."""
    return name in _FORMAL_TO_NICKNAMES


def all_names() -> frozenset[str]:
    """Every name in the table; part of the "is this a real name" vocabulary."""
    return frozenset(_FORMAL_TO_NICKNAMES) | frozenset(_NICKNAME_TO_FORMALS)
