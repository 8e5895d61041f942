"""Mod versions and the constraints levels and manifests put on them, by `packaging` (PEP 440).

A version is what pip accepts ("1", "1.2.0", "1.0.0b1"). A constraint is empty or "*" (any version), a PEP 440
specifier set (">=1.0,<2", "==1.2.*", "~=1.2", "!=1.1"), or a bare version ("1.2", meaning ==1.2, which 1.2.0
satisfies). Pre-releases satisfy constraints like any version: a mod author's beta is meant to be tried.
"""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


def parse_version(text: str) -> Version:
    """"1.2" -> Version('1.2'); raise ValueError naming what was expected."""
    try:
        return Version(text.strip())
    except (InvalidVersion, AttributeError):
        raise ValueError(f'a version like "1.2.0"; found {text!r}') from None


def check_constraint(constraint: str) -> None:
    """Raise ValueError if `constraint` cannot be read."""
    specifier_set(constraint)


def satisfies(version: str, constraint: str) -> bool:
    """Whether `version` meets every clause of `constraint` (ValueError if either cannot be read)."""
    return specifier_set(constraint).contains(parse_version(version), prereleases=True)


def specifier_set(constraint: str) -> SpecifierSet:
    text = constraint.strip()
    if text in ("", "*"):
        return SpecifierSet()
    if text[0].isdigit():  # the shorthand: a bare version means exactly that version
        text = f"=={text}"
    try:
        if any(not clause.strip() for clause in text.split(",")):  # packaging skips empty clauses; a typo here
            raise InvalidSpecifier(text)
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise ValueError(f'a version constraint like ">=1.0,<2"; found {constraint!r}') from None
