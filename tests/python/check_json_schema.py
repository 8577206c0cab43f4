#!/usr/bin/python3
"""The shipped JSON Schemas (docs/schema/) accept every shipped scenario and
sweep file and flag files the loaders refuse for a reason a schema can see.

usage: check_json_schema.py ROOT

ROOT is the repository. Files are read as the YAML language server reads
them, YAML 1.2 (2013-09-01 and NO stay strings, only true/false are
booleans, 1e6 is a number), not as PyYAML's default YAML 1.1.
Exit 1 with every problem.
"""
import copy
import glob
import os
import re
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's SafeLoader with the YAML 1.2 core schema's implicit types."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^[-+]?[0-9]+$|^0x[0-9a-fA-F]+$", "-+0123456789"),
        ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
                  r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$", "-+0123456789."),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])]:
    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(pattern), list(first))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


# Shipped files, by format. Every YAML file under scenarios/ is in one of the
# lists (a new folder must be placed), so none escapes the check unseen.
SCENARIOS = ["scenarios/*.yaml", "scenarios/counterfactuals/*.yaml",
             "tests/data/*.yaml", "tests/data/extends/*.yaml", "tests/golden/golden.yaml"]
# (tests/data/sweeps/too_many_runs.yaml is well formed; it is refused for the memory its plan needs.)
SWEEPS = ["scenarios/sweeps/*.yaml", "tests/data/sweeps/*.yaml"]
# Calibration files hold a sweep and more (docs/calibration.md): no schema yet.
NOT_CHECKED = ["scenarios/calibration/*.yaml"]

# Files the loaders refuse that the schemas flag too (the rest of tests/data/bad
# are refused for what a schema cannot see: references to names, sums, dates
# against each other, YAML syntax, reserved names (self, all), a parameter's
# path against the base scenario).
BAD_SCENARIOS = ["unknown_key", "wrong_type", "bad_bool", "missing_required", "negative_budget",
                 "decay_one", "agents_every_misspelt", "agents_every_type", "agents_every_zero",
                 "agents_every_fraction", "action_two_kinds", "survey_unknown_key",
                 "survey_response_sd_negative", "migration_share_range", "negative_citizens"]
BAD_SWEEPS = ["bad_replicates", "unknown_key", "yes_boolean", "no_base", "grid_samples",
              "missing_samples", "bad_metric", "bad_series", "bad_design", "bad_seed"]


def files(root, patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(root, p)))
    return out


def errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def describe(e):
    return "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:200]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    problems = []
    validators = {}
    for name in ("scenario", "sweep"):
        with open(os.path.join(root, "docs", "schema", name + ".schema.json"), encoding="utf-8") as f:
            import json
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        validators[name] = jsonschema.Draft7Validator(schema)

    # Every shipped file is valid.
    listed = set()
    counts = {}
    for name, patterns in (("scenario", SCENARIOS), ("sweep", SWEEPS)):
        paths = files(root, patterns)
        counts[name] = len(paths)
        if not paths:
            problems.append(f"no {name} files found under {root}")
        for path in paths:
            listed.add(os.path.abspath(path))
            for e in errors(validators[name], load(path)):
                problems.append(f"{os.path.relpath(path, root)}: valid for geosim, refused by the {name} "
                                f"schema: {describe(e)}")
    listed |= {os.path.abspath(p) for p in files(root, NOT_CHECKED)}
    for path in glob.glob(os.path.join(root, "scenarios", "**", "*.yaml"), recursive=True):
        if os.path.abspath(path) not in listed:
            problems.append(f"{os.path.relpath(path, root)}: in no list of check_json_schema.py "
                            "(a scenario, a sweep file or not checked)")

    # Files the loaders refuse.
    for name, folder, bad in (("scenario", "tests/data/bad", BAD_SCENARIOS),
                              ("sweep", "tests/data/sweeps/bad", BAD_SWEEPS)):
        for stem in bad:
            path = os.path.join(root, folder, stem + ".yaml")
            if not errors(validators[name], load(path)):
                problems.append(f"{folder}/{stem}.yaml: refused by geosim, accepted by the {name} schema")

    # Mistakes made by hand in a valid scenario, each flagged at its key.
    minimal = load(os.path.join(root, "tests", "data", "minimal.yaml"))
    power = next(iter(minimal["powers"]))
    target = next(iter(minimal["targets"]))

    def edited(edit):
        doc = copy.deepcopy(minimal)
        edit(doc)
        return doc

    scenario_cases = {
        "an unknown top-level key": (lambda d: d.update(nmae="x"), ""),
        "a typo in a power's key": (lambda d: d["powers"][power].update(budgt={"soft": 1}), f"powers/{power}"),
        "a wrong type": (lambda d: d["targets"][target].update(citizens="many"), f"targets/{target}/citizens"),
        "a value out of range": (lambda d: d["targets"][target].update(responsiveness=1.5),
                                 f"targets/{target}/responsiveness"),
        "a choice not offered": (lambda d: d["time"].update(step="week"), "time/step"),
        "a date that is no date": (lambda d: d["time"].update(start="2013-13"), "time/start"),
        "a policy not registered": (lambda d: d["powers"][power].update(policy="vaule"), f"powers/{power}/policy"),
        "a required key missing": (lambda d: d.pop("time"), ""),
        "an action with two kinds": (lambda d: d.update(events={"e": {"date": "2013-09", "note": "n", "actions": [
            {"join": {"institution": "I", "target": target}, "leave": {"institution": "I", "target": target}}]}}),
            "events/e/actions/0"),
        "an action without its required argument": (lambda d: d.update(events={"e": {
            "date": "2013-09", "note": "n", "actions": [{"set_growth": {"power": power}}]}}),
            "events/e/actions/0/set_growth"),
    }
    for what, (edit, where) in scenario_cases.items():
        found = errors(validators["scenario"], edited(edit))
        if not found:
            problems.append(f"scenario schema: {what} is not flagged")
        elif not any("/".join(str(p) for p in e.absolute_path) == where for e in found):
            problems.append(f"scenario schema: {what} is flagged elsewhere than at '{where}': "
                            + "; ".join(describe(e) for e in found))

    # A file that extends another may leave out what its base gives, and no more.
    partial = {"extends": "minimal.yaml", "powers": {power: {"budget": {"soft": 2.5}}}}
    for e in errors(validators["scenario"], partial):
        problems.append(f"scenario schema: a partial file with extends is refused: {describe(e)}")
    partial["powers"][power]["budgt"] = {"soft": 1}
    if not errors(validators["scenario"], partial):
        problems.append("scenario schema: a typo in a file with extends is not flagged")
    # Policies: one name, or one per channel.
    for policy in ("value", {"soft": "value"}):
        for e in errors(validators["scenario"], edited(lambda d: d["powers"][power].update(policy=policy))):
            problems.append(f"scenario schema: the policy {policy!r} is refused: {describe(e)}")

    sweep = {"base": "x.yaml", "parameters": {"powers.CHN.growth": [0, 0.1]}}
    sweep_cases = {
        "an unknown key": dict(sweep, replicate=2),
        "base and scenarios": dict(sweep, scenarios=["a.yaml"]),
        "neither base nor scenarios": {"parameters": sweep["parameters"]},
        "a key of another design": dict(sweep, samples=10),
        "a design without its required key": dict(sweep, design="lhs"),
        "a parameter key misspelt": dict(sweep, parameters={"a.b": {"rnage": [0, 1]}}),
    }
    for e in errors(validators["sweep"], dict(sweep, design="lhs", samples=10)):
        problems.append(f"sweep schema: an lhs sweep is refused: {describe(e)}")
    for what, doc in sweep_cases.items():
        if not errors(validators["sweep"], doc):
            problems.append(f"sweep schema: {what} is not flagged")

    for p in problems:
        print(p)
    print(f"{counts.get('scenario', 0)} scenario and {counts.get('sweep', 0)} sweep files valid; "
          f"{len(BAD_SCENARIOS) + len(BAD_SWEEPS)} refused files and "
          f"{len(scenario_cases) + len(sweep_cases)} edited ones flagged"
          if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
