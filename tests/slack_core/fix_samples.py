"""Sample data for the one-click fix templates (fix_confirm, fix_done, fix_by_hand): staff-only
surfaces, rendered with hostile text to prove it is escaped."""

from __future__ import annotations

from typing import Any

from core_samples import HOSTILE, LICENSE, diagnosis_steps


def fix_template_data() -> dict[str, dict[str, Any]]:
    steps = diagnosis_steps()
    before = ["Instructor emails (2):", f"  1. ada{HOSTILE}@lincoln.k12.us", "  2. bob@x.org"]
    after = ["Instructor emails (2):", "  1. ada@lincoln.k12.us", "  2. bob@x.org"]
    return {
        "fix_confirm": {"license": LICENSE, "change": f"Change ada{HOSTILE}@… to ada@…",
                        "describe": "change instructor email", "finding": "email_fix",
                        "step": "emails", "before": before, "after": after, "stale": True,
                        "choice": True, "minutes": 15},
        "fix_done": {"by": "U0456", "license": LICENSE, "change": f"remove {HOSTILE}",
                     "finding": "email_student", "undo_of": None, "fix_id": 3,
                     "before": before, "after": after, "result": steps[1], "step": "emails",
                     "row": "matches", "undo_until": 1_700_000_900.0, "private": False},
        "fix_by_hand": {"reason": f"the licenses come from the YAML file {HOSTILE}.yml",
                        "changes": [{"license_id": "L-1001", "change": f"remove {HOSTILE}",
                                     "choice": False},
                                    {"license_id": "L-1001", "change": "change a to b",
                                     "choice": True}]},
    }
