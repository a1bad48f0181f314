"""Live ClassLink and license checks.

The rule modules (`checks.rules`, `checks.matching`) are pure: records in, results out, no I/O.
The clients (`checks.classlink`, `checks.licenses`) fetch records and judge nothing.
`checks.diagnose` wires the two together.
"""
