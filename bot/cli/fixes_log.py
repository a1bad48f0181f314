"""`rosterbot audit --fixes`: the fixes made to licenses and their undos, before and after."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.cli.output import UsageError
from bot.store import StoreError, open_store
from bot.store.fixes import FixRecord
from checks.text import mask_secret


def print_fixes(database_url: str, *, license_id: str | None, since: dt.datetime | None,
                limit: int, as_json: bool) -> int:
    try:
        with open_store(database_url) as store:
            fixes = store.fixes.list(license_id=license_id, since=since, limit=limit)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    fixes.reverse()  # oldest first, as a log reads
    if as_json:
        print(json.dumps({"fixes": [fix_json(f) for f in fixes]}, indent=2, ensure_ascii=False))
    elif not fixes:
        print("no fixes" + (f" for license {license_id}" if license_id else ""))
    else:
        for fix in fixes:
            print(fix_line(fix))
    return 0


def fix_json(fix: FixRecord) -> dict[str, Any]:
    """A fix as JSON; Application IDs masked (the store keeps them whole for an undo)."""
    return {
        "id": fix.id, "at": fix.at.isoformat(), "license_id": fix.license_id,
        "by": fix.by_user, "surface": fix.surface, "channel_id": fix.channel_id,
        "change": fix.summary, "finding": fix.finding or None, "undo_of": fix.undo_of,
        "before": _masked(fix.before), "after": _masked(fix.after),
        "before_version": fix.before_version, "after_version": fix.after_version,
        "undone_by": fix.undone_by,
        "undone_at": fix.undone_at.isoformat() if fix.undone_at else None,
    }


def fix_line(fix: FixRecord) -> str:
    """One tab-separated line: time, fix id, who, license, what, before -> after, state."""
    at = fix.at.strftime("%Y-%m-%d %H:%M:%SZ")
    what = f"undo of fix {fix.undo_of}: {fix.summary}" if fix.is_undo else fix.summary
    why = f"proposed by {fix.finding}" if fix.finding and not fix.is_undo else "-"
    field = "application_ids" if "Application ID" in fix.summary else "instructor_emails"
    before, after = _masked(fix.before).get(field), _masked(fix.after).get(field)
    state = f"undone by {fix.undone_by} at {fix.undone_at:%H:%M:%SZ}" if fix.undone_at else "-"
    return "\t".join((at, f"fix {fix.id}", fix.by_user, fix.license_id, what, why,
                      f"{field}: {_difference(before, after)}", state))


def _difference(before: Any, after: Any) -> str:
    """The rows only before (-) and only after (+), each as JSON text (spaces stay visible)."""
    old = list(before) if isinstance(before, list) else []
    new = list(after) if isinstance(after, list) else []
    gone, came = list(old), list(new)
    for row in old:
        if row in came:
            came.remove(row)
            gone.remove(row)
    parts = [f"-{json.dumps(r, ensure_ascii=False)}" for r in gone] + \
        [f"+{json.dumps(r, ensure_ascii=False)}" for r in came]
    return " ".join(parts) or "no difference"


def _masked(license: dict[str, Any]) -> dict[str, Any]:
    ids = license.get("application_ids")
    if isinstance(ids, list):
        return {**license, "application_ids": [mask_secret(str(a)) for a in ids]}
    return dict(license)
