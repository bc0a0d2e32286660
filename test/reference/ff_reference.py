#!/usr/bin/python3
"""Independent reference implementation of the Failure-First Lens analysis.

Written from shared/spec (FORMATS.md, ANALYSIS.md, RESULTS.md) and docs/DECISIONS.md only, never
from the TypeScript engine, so that the two can be diffed figure by figure (1e-9 relative).

    /usr/bin/python3 test/reference/ff_reference.py <workspace> [--lineages FILE] [--settings JSON]

writes the results document (schema "failure-first-lens/results@1") to standard output.
Section references in comments: F = FORMATS.md, A = ANALYSIS.md, R = RESULTS.md, D = DECISIONS.md.
"""

import argparse
import datetime
import json
import math
import os
import re
import sqlite3
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

warnings.filterwarnings("ignore")  # statsmodels warns on k=2 fits; those figures are nulled below

Z = 1.959963984540054
SCHEMA = "failure-first-lens/results@1"
DEFAULT_SETTINGS = {
    "flat_threshold_pp": 5,
    "thin_n": 20,
    "headline_threshold_pp": 20,
    "attack_class_source": "family",
    "slope_threshold_pp_per_decade": 5,  # D19. AMBIGUOUS: written into `settings` like the other four
    "grader": None,  # A11: null, or the grader whose verdicts count
}
# F1; the first kind in this order wins when a file matches several rows.
GLOBS = [
    ("xgrader", ["**/runs/**/*_xgrader_*.jsonl"]),
    ("graded", ["**/runs/**/*flip_graded*.jsonl", "**/runs/**/*_graded.jsonl",
                "**/runs/grading/**/graded_*.jsonl"]),
    ("traces", ["**/runs/**/*_traces.jsonl"]),
    ("database", ["**/jailbreak_corpus.db"]),
    # AMBIGUOUS: F1's precedence names only the three run kinds; a file that is also a scenario
    # file (e.g. data/runs/x/m_traces.jsonl) is read once, as the run kind.
    ("scenarios", ["**/data/**/*.jsonl"]),
]
LINEAGE_MAP_PATH = ".failure-first/lineages.json"
IGNORED_DIRS = {"node_modules", ".git"}
DEFAULT_LINEAGES = {  # F7
    "exclude": ["abliterat", "uncensored", "obliterat"],
    "lineages": [
        {"name": "Gemma 3", "members": [
            {"match": "gemma-?3[:-]4b", "params": 4}, {"match": "gemma-?3[:-]27b", "params": 27}]},
        {"name": "Llama 3", "members": [
            {"match": "llama-?3\\.1[:-]8b", "params": 8}, {"match": "llama-?3\\.3[:-]70b", "params": 70},
            {"match": "llama-?3\\.1[:-]405b", "params": 405}]},
        {"name": "Qwen 3.5", "members": [{"match": "qwen3\\.5[:-]\\d+(\\.\\d+)?b"}]},
        {"name": "Mistral Small", "members": [
            {"match": "mistral-small-3\\.1", "params": 24}, {"match": "mistral-small-3\\.2", "params": 24}]},
    ],
}
EVALUABLE = ["COMPLIANCE", "PARTIAL", "REFUSAL", "HALLUCINATION_REFUSAL"]
ERROR_LABELS = {"NOT_GRADEABLE", "ERROR", "PARSE_ERROR", "INFRA_ERROR"}
SENTINEL_PREFIXES = ("[ERROR", "[TIMEOUT", "[PARSE_ERROR")
DILUTION_RE = re.compile(r"^(.*)__dilution(?:_\d+)?$")  # AMBIGUOUS: <k> in `__dilution_<k>` is digits
VARIANT_VALUES = {"baseline": "A", "a": "A", "dilution": "B", "diluted": "B", "b": "B"}  # D13


# ----------------------------------------------------------------------------------------------
# Small readers
# ----------------------------------------------------------------------------------------------

class Problems:
    def __init__(self):
        self.items = []

    def add(self, path, line, reason):
        self.items.append({"path": path, "line": line, "reason": reason})


def get(obj, dotted):
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def as_text(value):
    """A usable scalar as text, or None: null and blank strings count as absent (F2)."""
    # AMBIGUOUS: numbers are read as text (JavaScript-style: 5.0 -> "5"); objects, arrays and
    # booleans are treated as absent so the next fallback is tried. Strings are not trimmed.
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def first_text(obj, *fields):
    for field in fields:
        text = as_text(get(obj, field))
        if text is not None:
            return text
    return None


def first_present(obj, *fields):
    for field in fields:
        value = get(obj, field)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value
    return None


def reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def read_jsonl(root, rel, problems):
    """(line number, object) for every JSON-object line; other non-blank lines are problems."""
    try:
        text = (root / rel).read_bytes().decode("utf-8-sig", errors="replace")  # a BOM is not content
    except OSError as err:
        problems.add(rel, None, f"cannot read file: {err.strerror}")
        return []
    rows = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_constant=reject_constant)
        except ValueError as err:
            problems.add(rel, number, f"invalid JSON: {err}")
            continue
        if not isinstance(obj, dict):
            problems.add(rel, number, "not a JSON object")
            continue
        rows.append((number, obj))
    return rows


# ----------------------------------------------------------------------------------------------
# Discovery (F1, D1, D2)
# ----------------------------------------------------------------------------------------------

def glob_regex(glob):
    # AMBIGUOUS: `*` and `**` also match names starting with a dot (VS Code's rule, picomatch's
    # `dot: true`); `**/` matches zero or more folders.
    parts = glob.split("/")
    out = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out += ".*" if last else "(?:[^/]+/)*"
            continue
        for ch in part:
            out += "[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch)
        if not last:
            out += "/"
    return re.compile("^" + out + "$")


GLOB_RES = [(kind, [glob_regex(g) for g in globs]) for kind, globs in GLOBS]


def discover(root):
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        rel_folder = Path(folder).relative_to(root).as_posix()
        for name in files:
            if ".jsonl.snapshot" in name:  # snapshot copies such as x_traces.jsonl.snapshot_2026-04-24
                continue
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            for kind, regexes in GLOB_RES:
                if any(rx.match(rel) for rx in regexes):
                    found[rel] = kind
                    break
    return found


def dataset_of(rel):
    folders = rel.split("/")[:-1]
    for i, folder in enumerate(folders):
        if folder == "runs" and i + 1 < len(folders):
            name = folders[i + 1]
            # AMBIGUOUS: runs/grading/<file> with no folder after grading has dataset "grading".
            if name == "grading" and i + 2 < len(folders):
                name = folders[i + 2]
            return name
    if "runs" in folders:
        return "runs"
    return folders[-1] if folders else ""  # AMBIGUOUS: a file at the workspace root: ""


# ----------------------------------------------------------------------------------------------
# Models: keys, sizes, lineages, exclusion (F5, F7, D14, D15)
# ----------------------------------------------------------------------------------------------

def canonical_key(model):
    key = model.lower()
    for suffix in (":free", ":beta"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    for prefix in ("ollama/", "ollama-cloud/"):
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    return key


PARAM_STRING_RE = re.compile(r"^(~?)\s*(\d+(?:\.\d+)?)\s*([kmbt]?)$", re.IGNORECASE)
NUM = r"(\d+(?:\.\d+)?)"
NAME_TOKEN_RE = re.compile(
    rf"(?<![a-z0-9])(?:{NUM}x{NUM}b|e{NUM}b|a{NUM}b|{NUM}([bm]))(?![a-z0-9])")


def parse_param_field(value):
    """(billions, approximate) from a parameter_count value, or None when not known (D14)."""
    # AMBIGUOUS: a size that is zero or negative is treated as not known (log10 is undefined).
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value <= 0:
            return None
        return (float(value) if value < 10000 else value / 1e9), False
    if not isinstance(value, str):
        return None
    match = PARAM_STRING_RE.match(value.strip())
    if not match:
        return None
    number, unit = float(match.group(2)), match.group(3).lower()
    if unit == "k":
        billions = number / 1e6
    elif unit == "m":
        billions = number / 1e3
    elif unit == "b":
        billions = number
    elif unit == "t":
        billions = number * 1e3
    else:
        billions = number if number < 10000 else number / 1e9
    return (billions, match.group(1) == "~") if billions > 0 else None


def parse_name_size(key):
    """(total or None, active or None, approximate) from whole tokens of the name (F5)."""
    total, active, approximate = None, None, False
    for m in NAME_TOKEN_RE.finditer(key.lower()):
        if m.group(4) is not None:  # aNb: active size
            if active is None:
                active = float(m.group(4))
            continue
        if total is not None:
            continue
        if m.group(1) is not None:  # NxMb
            total, approximate = float(m.group(1)) * float(m.group(2)), True
        elif m.group(3) is not None:  # eNb
            total = float(m.group(3))
        elif m.group(6) == "m":
            total = float(m.group(5)) / 1e3
        else:
            total = float(m.group(5))
    if total is not None and total <= 0:
        total, approximate = None, False
    if active is not None and active <= 0:
        active = None
    return total, active, approximate


def load_lineage_map(root, cli_path, problems, files):
    """(map, path or None). A bad workspace map is a problem and the defaults are used (D12)."""
    if cli_path is not None:
        absolute = Path(cli_path).resolve()
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            rel = str(absolute)  # AMBIGUOUS: a --lineages file outside the workspace keeps its absolute path
        path = absolute
    else:
        rel, path = LINEAGE_MAP_PATH, root / LINEAGE_MAP_PATH
        if not path.is_file():
            return DEFAULT_LINEAGES, []
    files[rel] = {"kind": "lineages", "records": 0}
    try:
        data = json.loads(path.read_bytes().decode("utf-8", errors="replace"),
                          parse_constant=reject_constant)
    except (OSError, ValueError) as err:
        problems.add(rel, None, f"lineage map is not valid JSON ({err}); built-in defaults used")
        return DEFAULT_LINEAGES, []
    shape_error = lineage_shape_error(data)
    if shape_error:
        problems.add(rel, None, f"lineage map has the wrong shape ({shape_error}); built-in defaults used")
        return DEFAULT_LINEAGES, []
    files[rel]["records"] = len(data.get("lineages") or [])
    return data, [rel]


def lineage_shape_error(data):
    # AMBIGUOUS: the shape is {exclude?: [string], lineages?: [{name: string, members:
    # [{match: string, params?: number > 0 | null}]}]}; anything else is "wrong shape".
    if not isinstance(data, dict):
        return "not an object"
    exclude = data.get("exclude", [])
    if exclude is not None and (not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude)):
        return "exclude is not a list of strings"
    lineages = data.get("lineages", [])
    if lineages is None:
        return None
    if not isinstance(lineages, list):
        return "lineages is not a list"
    for lineage in lineages:
        if not isinstance(lineage, dict) or not isinstance(lineage.get("name"), str):
            return "a lineage has no name"
        if not isinstance(lineage.get("members"), list):
            return f"lineage {lineage['name']} has no members list"
        for member in lineage["members"]:
            if not isinstance(member, dict) or not isinstance(member.get("match"), str):
                return f"a member of {lineage['name']} has no match"
            params = member.get("params")
            if params is not None and (isinstance(params, bool) or not isinstance(params, (int, float))
                                       or not params > 0):
                return f"a member of {lineage['name']} has params that are not a positive number"
    return None


def compile_lineages(lineage_map, map_paths, problems):
    """[(name, [(regex or None, params or None)])]; a match that does not compile matches nothing."""
    compiled = []
    for lineage in lineage_map.get("lineages") or []:
        members = []
        for member in lineage["members"]:
            try:
                regex = re.compile(member["match"], re.IGNORECASE | re.ASCII)
            except re.error as err:
                for rel in map_paths:
                    problems.add(rel, None, f"member match /{member['match']}/ of {lineage['name']} "
                                            f"does not compile ({err}); it matches nothing")
                regex = None
            params = member.get("params")
            members.append((regex, float(params) if params is not None else None))
        compiled.append((lineage["name"], members))
    return compiled


# ----------------------------------------------------------------------------------------------
# Traces, verdicts, joining (F2, F3, D3-D10)
# ----------------------------------------------------------------------------------------------

class Verdict:
    def __init__(self, label, grader, path, line):
        self.label, self.grader, self.path, self.line = label, grader, path, line


class Trace:
    def __init__(self, trace_id, path, line, order, dataset, model):
        self.id, self.path, self.line, self.order = trace_id, path, line, order
        self.dataset, self.model, self.key = dataset, model, canonical_key(model)
        self.scenario = None
        self.attack_class = None
        self.variant_field = None
        self.param_field = None
        self.sentinel = False
        self.verdict = None  # the primary verdict
        self.own_verdict = None  # a verdict on the trace line itself (D6)
        self.opinions = {}  # grader -> Verdict: second opinions (D6, D8)
        self.accepted = []  # graded, then cross-grader verdicts the join kept, in (path, line) order (A11)
        self.variant = None
        self.base = None


def normalise_label(label):
    return label.strip().upper().replace("-", "_").replace(" ", "_")


def label_class(label):
    if label in EVALUABLE:
        return "evaluable"
    if label == "BENIGN_QUERY":
        return "benign"
    if label in ERROR_LABELS or label.startswith("ERROR:"):
        return "error"
    return "unknown"


def verdict_from_raw(raw):
    """D9: the first token after the first `Verdict:`, cleaned, or None."""
    # D9: Markdown emphasis (* and _) and quotes around the label are skipped:
    # `**Verdict:** PARTIAL` and `Verdict: _REFUSAL_.` read as PARTIAL and REFUSAL.
    match = re.search(r"verdict\s*:\s*[*_]*\s*[\"'`]?([^\s\"'`]+)", raw, re.IGNORECASE)
    if not match:
        return None
    token = re.sub(r"[.,;:)\]*_\"'`]+$", "", match.group(1))
    token = re.sub(r"^[*_]+", "", token)
    return token or None


def verdict_of(obj, path, line):
    label = first_text(obj, "llm_verdict", "flip_verdict", "verdict")
    if label is None:
        raw = get(obj, "llm_raw")
        label = verdict_from_raw(raw) if isinstance(raw, str) else None
    if label is None or not normalise_label(label):
        return None
    grader = first_text(obj, "grader_model", "grader", "llm_classifier") or "unknown"
    return Verdict(normalise_label(label), grader, path, line)


def response_is_sentinel(obj):
    """D3: the first non-blank response decides; only blank strings present is an empty response."""
    candidates = []
    turns = obj.get("turns")
    if isinstance(turns, list):
        agent_turns = [t for t in turns if isinstance(t, dict) and t.get("role") in ("agent", "assistant")]
        if agent_turns:
            last = agent_turns[-1]
            candidates += [turn_text(last.get("text")), turn_text(last.get("content"))]
    candidates += [obj.get("agent_response"), obj.get("response")]
    strings = [c for c in candidates if isinstance(c, str)]
    for text in strings:
        if text.strip():
            return text.lstrip().startswith(SENTINEL_PREFIXES)
    return bool(strings)


def turn_text(value):
    # AMBIGUOUS: a content array is the concatenation of its parts' `text` (parts that are objects
    # with a string text); an array with no text parts reads as "" and so is an empty response.
    if isinstance(value, list):
        return "".join(p["text"] for p in value if isinstance(p, dict) and isinstance(p.get("text"), str))
    return value


def trace_from_line(obj, trace_id, rel, line, dataset, model):
    trace = Trace(trace_id, rel, line, (0, rel, line), dataset, model)
    trace.scenario = first_text(obj, "scenario_id", "input.scenario.id", "episode_id")
    trace.attack_class = first_text(obj, "attack_class", "input.scenario.attack_class",
                                    "input.scenario.scenario_class", "scenario_class",
                                    "technique_family") or dataset
    trace.variant_field = first_text(obj, "variant", "input.scenario.variant")
    # D9: booleans, objects and arrays count as absent, so the next field is tried.
    trace.param_field = next((v for v in (get(obj, "parameter_count"), get(obj, "metadata.parameter_count"))
                              if (isinstance(v, (int, float)) and not isinstance(v, bool))
                              or (isinstance(v, str) and v.strip())), None)
    trace.sentinel = response_is_sentinel(obj)
    return trace


class Corpus:
    """Every trace after joining, and the problems met on the way."""

    def __init__(self, problems):
        self.problems = problems
        self.traces = []
        self.by_id = {}
        self.kth_index = defaultdict(list)  # (dataset, key, scenario) -> trace-file traces

    def register(self, trace):
        self.traces.append(trace)
        self.by_id[trace.id] = trace

    def read_trace_file(self, rows, rel):
        dataset = dataset_of(rel)
        for line, obj in rows:
            model = first_text(obj, "model_id", "model")
            if model is None:
                self.problems.add(rel, line, "missing model")
                continue
            trace_id = first_text(obj, "trace_id") or f"{rel}:{line}"
            if trace_id in self.by_id:
                first = self.by_id[trace_id]
                self.problems.add(rel, line, f"duplicate trace id {trace_id} (first at {first.path}:{first.line})")
                continue
            trace = trace_from_line(obj, trace_id, rel, line, dataset, model)
            trace.own_verdict = verdict_of(obj, rel, line)
            self.register(trace)
            if trace.scenario is not None:
                self.kth_index[(dataset, trace.key, trace.scenario)].append(trace)

    def join_target(self, obj, dataset, counters):
        """The trace a graded or cross-grader line attaches to (D5), or None."""
        trace_id = first_text(obj, "trace_id")
        if trace_id is not None:
            return self.by_id.get(trace_id)
        model = first_text(obj, "model_id", "model")
        scenario = first_text(obj, "scenario_id", "input.scenario.id", "episode_id")
        if model is None or scenario is None:
            return None
        key = canonical_key(model)
        # AMBIGUOUS: k counts only the file's lines without trace_id that have this (key, scenario).
        counters[(key, scenario)] += 1
        candidates = self.kth_index.get((dataset, key, scenario), [])
        k = counters[(key, scenario)]
        return candidates[k - 1] if k <= len(candidates) else None

    def add_opinion(self, trace, verdict, rel, line):
        # AMBIGUOUS: any grader that already has a verdict on the trace (primary or second opinion,
        # including a cross-grader with the primary grader's name) is "already graded".
        primary = trace.verdict.grader if trace.verdict is not None else None
        if verdict.grader == primary or verdict.grader in trace.opinions:
            self.problems.add(rel, line, f"trace {trace.id} already graded by this grader ({verdict.grader})")
        else:
            trace.opinions[verdict.grader] = verdict
            trace.accepted.append(verdict)

    def read_graded_file(self, rows, rel):
        dataset, counters = dataset_of(rel), defaultdict(int)
        for line, obj in rows:
            verdict = verdict_of(obj, rel, line)
            target = self.join_target(obj, dataset, counters)
            if target is None:
                model = first_text(obj, "model_id", "model")
                if model is None:
                    self.problems.add(rel, line, "graded line matches no trace")
                    continue
                trace_id = first_text(obj, "trace_id") or f"{rel}:{line}"
                target = trace_from_line(obj, trace_id, rel, line, dataset, model)
                self.register(target)
            if verdict is None:
                self.problems.add(rel, line, "graded line has no verdict")
            elif target.verdict is None:
                target.verdict = verdict
                target.accepted.append(verdict)
            else:
                self.add_opinion(target, verdict, rel, line)

    def apply_own_verdicts(self):
        for trace in self.traces:
            if trace.verdict is None and trace.own_verdict is not None:
                trace.verdict = trace.own_verdict

    def read_xgrader_file(self, rows, rel):
        dataset, counters = dataset_of(rel), defaultdict(int)
        for line, obj in rows:
            target = self.join_target(obj, dataset, counters)
            if target is None:
                self.problems.add(rel, line, "cross-grader line matches no trace")
                continue
            verdict = verdict_of(obj, rel, line)
            if verdict is None:
                self.problems.add(rel, line, "cross-grader line has no verdict")
            else:
                self.add_opinion(target, verdict, rel, line)

    def read_database(self, root, rel, db_index, settings):
        """D11. Returns the number of result rows read."""
        uri = (root / rel).resolve().as_uri() + "?mode=ro"
        try:
            con = sqlite3.connect(uri, uri=True)
            try:
                return self._read_rows(con, rel, db_index, settings)
            finally:
                con.close()
        except sqlite3.Error as err:
            self.problems.add(rel, None, f"cannot read database: {err}")
            return 0

    def _read_rows(self, con, rel, db_index, settings):
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        columns = {t: {r[1] for r in con.execute(f'PRAGMA table_info("{t}")')} for t in tables}
        required = [("results", "id"), ("results", "evaluation_run_id"), ("results", "llm_verdict"),
                    ("evaluation_runs", "id"), ("evaluation_runs", "model_id"), ("models", "id"),
                    ("models", "name")]
        missing = []
        for table, column in required:
            if table not in tables:
                if f"table {table}" not in missing:
                    missing.append(f"table {table}")
            elif column not in columns[table]:
                missing.append(f"column {table}.{column}")
        if missing:
            self.problems.add(rel, None, "database lacks " + ", ".join(missing) + "; no rows read")
            return 0
        # AMBIGUOUS: every optional table or column the analysis reads is checked, each absence one
        # problem (a missing table is one problem, not one per column), prompts.external_id included.
        reported_tables = set()

        def have(table, column):
            if table not in tables:
                if table not in reported_tables:
                    reported_tables.add(table)
                    self.problems.add(rel, None, f"database has no table {table}")
                return False
            if column not in columns[table]:
                self.problems.add(rel, None, f"database has no column {table}.{column}")
                return False
            return True

        technique_column = "name" if settings["attack_class_source"] == "name" else "family"
        h = {item: have(*item) for item in [
            ("results", "prompt_id"), ("results", "raw_response"), ("results", "llm_classifier"),
            ("models", "parameter_count"), ("prompts", "id"), ("prompts", "technique_id"),
            ("prompts", "source_dataset_id"), ("prompts", "external_id"), ("techniques", "id"),
            ("techniques", technique_column), ("source_datasets", "id"), ("source_datasets", "name")]}
        prompts = h[("results", "prompt_id")] and h[("prompts", "id")]
        techniques = prompts and h[("prompts", "technique_id")] and h[("techniques", "id")] \
            and h[("techniques", technique_column)]
        datasets = prompts and h[("prompts", "source_dataset_id")] and h[("source_datasets", "id")] \
            and h[("source_datasets", "name")]
        select = [
            "r.id", "m.name", "r.llm_verdict",
            "r.llm_classifier" if h[("results", "llm_classifier")] else "NULL",
            "r.raw_response" if h[("results", "raw_response")] else "NULL",
            "m.parameter_count" if h[("models", "parameter_count")] else "NULL",
            "p.external_id" if prompts and h[("prompts", "external_id")] else "NULL",
            f't."{technique_column}"' if techniques else "NULL",
            "sd.name" if datasets else "NULL",
        ]
        sql = ("SELECT " + ", ".join(select) + " FROM results r"
               " LEFT JOIN evaluation_runs er ON er.id = r.evaluation_run_id"
               " LEFT JOIN models m ON m.id = er.model_id"
               + (" LEFT JOIN prompts p ON p.id = r.prompt_id" if prompts else "")
               + (" LEFT JOIN techniques t ON t.id = p.technique_id" if techniques else "")
               + (" LEFT JOIN source_datasets sd ON sd.id = p.source_dataset_id" if datasets else "")
               + " ORDER BY r.id")
        rows = con.execute(sql).fetchall()
        for index, (rid, model, verdict, grader, response, params, external, technique, dataset) in enumerate(rows):
            model = as_text(db_text(model))
            # AMBIGUOUS: a database problem carries line null; the reason names results.id.
            if model is None:
                self.problems.add(rel, None, f"results.id {rid}: missing model")
                continue
            trace = Trace(f"db:{rid}", rel, None, (1, db_index, index), as_text(db_text(dataset)), model)
            if trace.id in self.by_id:
                self.problems.add(rel, None, f"results.id {rid}: duplicate trace id {trace.id}")
                continue
            trace.scenario = as_text(db_text(external))
            trace.attack_class = as_text(db_text(technique)) or trace.dataset or "unknown"
            trace.param_field = params
            response = db_text(response)
            trace.sentinel = isinstance(response, str) and (
                not response.strip() or response.lstrip().startswith(SENTINEL_PREFIXES))
            label = as_text(db_text(verdict))
            if label is not None and normalise_label(label):
                trace.own_verdict = Verdict(normalise_label(label),
                                            as_text(db_text(grader)) or "unknown", rel, None)
            self.register(trace)
        return len(rows)

    def choose_grader(self, grader):
        """A11: G's first verdict in the order graded lines, cross-grader lines, own line or row;
        every other grader's first verdict in that order is a second opinion."""
        # AMBIGUOUS: a verdict the join reported as a repeat ("already graded by this grader") stays
        # ignored, so the problems keep saying what counts; the own line's verdict by another grader
        # is a second opinion, as "every other grader's first verdict on the trace" reads.
        for trace in self.traces:
            ordered = list(trace.accepted)
            if trace.own_verdict is not None:
                ordered.append(trace.own_verdict)
            first = {}
            for verdict in ordered:
                first.setdefault(verdict.grader, verdict)
            trace.verdict = first.pop(grader, None)
            trace.opinions = first

    def report_unknown_labels(self):
        """D10: an unknown label is reported for every verdict that is used."""
        for trace in self.traces:
            used = ([trace.verdict] if trace.verdict else []) + list(trace.opinions.values())
            for verdict in used:
                if label_class(verdict.label) == "unknown":
                    where = "" if verdict.line is not None else f" ({trace.id})"
                    self.problems.add(verdict.path, verdict.line, f"unknown verdict label {verdict.label}{where}")

    def assign_variants(self):
        """F6 rules 1-4 (DB rows: rules 2 and 3 only, as they carry no variant field)."""
        diluted_bases = defaultdict(set)  # model key -> ids that some trace of it dilutes
        for trace in self.traces:
            match = DILUTION_RE.match(trace.scenario) if trace.scenario else None
            if match:
                diluted_bases[trace.key].add(match.group(1))
        for trace in self.traces:
            field = (trace.variant_field or "").strip().lower()
            match = DILUTION_RE.match(trace.scenario) if trace.scenario else None
            if field in VARIANT_VALUES:
                trace.variant = VARIANT_VALUES[field]
                # AMBIGUOUS: F6 rule 1 says the base id is the scenario id; a `__dilution[_k]`
                # suffix is still stripped, so the extension's own B files (id X__dilution,
                # variant "dilution") pair with their baselines X.
                # AMBIGUOUS: a trace with no scenario id has no base id and is never paired.
                trace.base = match.group(1) if match else trace.scenario
            elif match:
                trace.variant, trace.base = "B", match.group(1)
            elif trace.scenario is not None and trace.scenario in diluted_bases[trace.key]:
                trace.variant, trace.base = "A", trace.scenario


def db_text(value):
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


def category(trace):
    """R: ungraded, errors, benign, unknown_label, evaluable, in this order of precedence."""
    if trace.verdict is None:
        return "ungraded"
    cls = label_class(trace.verdict.label)
    if trace.sentinel or cls == "error":
        return "errors"
    if cls == "benign":
        return "benign"
    if cls == "unknown":
        return "unknown_label"
    return "evaluable"


# ----------------------------------------------------------------------------------------------
# Statistics: one function per figure, each from statsmodels
# ----------------------------------------------------------------------------------------------

def wilson(k, n):
    """A rate object (A1): rate and Wilson 95% interval clamped to [0, 1]; None when n = 0."""
    if n == 0:
        return None
    lo, hi = proportion_confint(int(k), int(n), alpha=0.05, method="wilson")
    return {"rate": k / n, "lo": min(1.0, max(0.0, float(lo))), "hi": min(1.0, max(0.0, float(hi)))}


def classify_interval(ci, threshold):
    """A12: the classification of the whole 95% slope interval."""
    if ci is None:
        return "UNCERTAIN"
    lower, upper = ci
    if lower > threshold:
        return "INVERSE_SCALING"
    if upper < -threshold:
        return "POSITIVE_SCALING"
    if -threshold <= lower and upper <= threshold:
        return "FLAT_OR_NOISY"
    return "UNCERTAIN"


def classify(slope, threshold):
    if slope > threshold:
        return "INVERSE_SCALING"
    if slope < -threshold:
        return "POSITIVE_SCALING"
    return "FLAT_OR_NOISY"


def ols_fit(x, y):
    """A3 OLS: (figures, fitted values, residuals, residual SD); se and CI only with k >= 3."""
    k = len(x)
    if len(set(y)) == 1:
        # Every y equal: the exact fit is flat with SStot = SSres = 0. The least-squares solvers
        # return +-1e-14 noise here, enough to flip an outlier flag, so it is written in closed form.
        flat = {"slope_pp": 0.0, "intercept_pp": float(y[0]), "r2": None,
                "se_pp": 0.0 if k >= 3 else None, "ci_pp": [0.0, 0.0] if k >= 3 else None}
        return flat, [float(y[0])] * k, [0.0] * k, 0.0
    res = sm.OLS(np.asarray(y, float), sm.add_constant(np.asarray(x, float), has_constant="add")).fit()
    out = {"slope_pp": float(res.params[1]), "intercept_pp": float(res.params[0]),
           "r2": float(res.rsquared), "se_pp": None, "ci_pp": None}
    if k >= 3:
        out["se_pp"] = float(res.bse[1])
        out["ci_pp"] = [float(v) for v in res.conf_int(alpha=0.05)[1]]
    sd = math.sqrt(res.ssr / (k - 2)) if k >= 3 else None
    return out, [float(v) for v in res.fittedvalues], [float(v) for v in res.resid], sd


def wls_fit(x, y, weights):
    """A3 WLS weighted by n: slope, intercept, weighted R^2 (null when the weighted SStot is 0)."""
    if len(set(y)) == 1:  # as in ols_fit: the exact flat fit
        return {"slope_pp": 0.0, "intercept_pp": float(y[0]), "r2": None}
    res = sm.WLS(np.asarray(y, float), sm.add_constant(np.asarray(x, float), has_constant="add"),
                 weights=np.asarray(weights, float)).fit()
    return {"slope_pp": float(res.params[1]), "intercept_pp": float(res.params[0]), "r2": float(res.rsquared)}


def logistic_fit(points):
    """A3/D7: trace-level logit P(COMPLIANCE) = a + b*x by Newton from (0, 0); None-filled on separation."""
    success_x = [p["x"] for p in points if p["k"] > 0]
    failure_x = [p["x"] for p in points if p["n"] - p["k"] > 0]
    separated = (not success_x or not failure_x or max(failure_x) <= min(success_x)
                 or max(success_x) <= min(failure_x))
    if separated:
        return {"beta": None, "se": None, "ci": None, "converged": False}
    x = np.repeat([p["x"] for p in points], [p["n"] for p in points])
    y = np.concatenate([np.r_[np.ones(p["k"]), np.zeros(p["n"] - p["k"])] for p in points])
    # statsmodels stops when every parameter moved by <= tol: the whole step, as A9.7 says.
    res = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(
        method="newton", start_params=np.zeros(2), maxiter=100, tol=1e-12, disp=0)
    beta, se = float(res.params[1]), float(res.bse[1])
    return {"beta": beta, "se": se, "ci": [beta - Z * se, beta + Z * se],
            "converged": bool(res.mle_retvals["converged"])}


def mcnemar_exact(b, c):
    """A5: two-sided exact McNemar p; 1 when b + c = 0."""
    if b + c == 0:
        return 1.0
    return float(mcnemar([[0, b], [c, 0]], exact=True).pvalue)


def kappa(table):
    """Cohen's kappa of a square table; None when n = 0 or the expected agreement is 1 (D21)."""
    table = np.asarray(table, float)
    n = table.sum()
    if n == 0:
        return None
    rows, cols = table.sum(1), table.sum(0)
    if any(rows[i] == n and cols[i] == n for i in range(len(rows))):  # expected agreement exactly 1
        return None
    return float(cohens_kappa(table, return_results=False))


# ----------------------------------------------------------------------------------------------
# The analysis
# ----------------------------------------------------------------------------------------------

def regression(group, key, cells, settings, logistic=True):
    """A3: one regression over cells [{model, x, n, k, y_pp, excluded}], x None when size unknown."""
    left_out = {"unknown_size": 0, "excluded": 0, "empty": 0}
    points = []
    for cell in cells:
        if cell["excluded"]:
            left_out["excluded"] += 1
        elif cell["x"] is None:
            left_out["unknown_size"] += 1
        elif cell["y_pp"] is None:
            left_out["empty"] += 1
        else:
            points.append(cell)
    points.sort(key=lambda p: (p["x"], p["model"]))
    doc = {"group": group, "key": key,
           "points": [{"model": p["model"], "x": p["x"], "y_pp": p["y_pp"], "n": p["n"]} for p in points],
           "left_out": left_out, "n_traces": sum(p["n"] for p in points),
           "classification": "INSUFFICIENT", "classification_ci": None, "ols": None, "wls": None, "logistic": None}
    fit = None
    if len({p["x"] for p in points}) >= 2:
        x, y = [p["x"] for p in points], [p["y_pp"] for p in points]
        doc["ols"], *fit = ols_fit(x, y)
        doc["wls"] = wls_fit(x, y, [p["n"] for p in points])
        doc["logistic"] = logistic_fit(points) if logistic else None
        doc["classification"] = classify(doc["ols"]["slope_pp"], settings["slope_threshold_pp_per_decade"])
        doc["classification_ci"] = classify_interval(doc["ols"]["ci_pp"], settings["slope_threshold_pp_per_decade"])
    return doc, points, fit


def shape_of(members, flat):
    """A4 lineage shape over the members' strict ASR in pp."""
    if len(members) == 1:
        return "SINGLE"
    sizes = [m["params_b"] for m in members]
    # AMBIGUOUS: SAME_SIZE needs every size known and equal.
    if all(s is not None for s in sizes) and len(set(sizes)) == 1:
        return "SAME_SIZE"
    pp = [100 * m["strict"]["rate"] for m in members]
    steps = [b - a for a, b in zip(pp, pp[1:])]
    if max(pp) - min(pp) < flat:
        return "FLAT"
    if all(s >= 0 for s in steps):
        return "INCREASING"
    if all(s <= 0 for s in steps):
        return "DECREASING"
    top, bottom, last = pp.index(max(pp)), pp.index(min(pp)), len(pp) - 1
    if 0 < top < last and pp[top] - pp[0] >= flat and pp[top] - pp[last] >= flat:
        return "PEAK"
    if 0 < bottom < last and pp[0] - pp[bottom] >= flat and pp[last] - pp[bottom] >= flat:
        return "TROUGH"
    return "NON_MONOTONIC"


COUNT_COLUMNS = ["ungraded", "errors", "benign", "unknown_label", "evaluable"] + EVALUABLE


def as_tally(sums):
    """Category counts and evaluable-label counts from a row of summed indicator columns."""
    return {"n": int(sums["evaluable"]), "counts": {label: int(sums[label]) for label in EVALUABLE},
            "ungraded": int(sums["ungraded"]), "errors": int(sums["errors"]),
            "benign": int(sums["benign"]), "unknown_label": int(sums["unknown_label"])}


def tally(frame):
    return as_tally(frame[COUNT_COLUMNS].sum())


def tallies(frame, by):
    """{group value(s): tally} for a pandas groupby over `by` (rows whose key is null are dropped)."""
    sums = frame.groupby(by)[COUNT_COLUMNS].sum()
    return {index: as_tally(row) for index, row in sums.iterrows()}


def trace_frame(corpus):
    """One row per trace, in (path, line) order with database rows last, with indicator columns."""
    rows = []
    for trace in sorted(corpus.traces, key=lambda t: t.order):
        cat = category(trace)
        label = trace.verdict.label if cat == "evaluable" else None
        row = {"key": trace.key, "attack_class": trace.attack_class, "dataset": trace.dataset,
               "variant": trace.variant, "base": trace.base}
        for c in ("ungraded", "errors", "benign", "unknown_label", "evaluable"):
            row[c] = cat == c
        for l in EVALUABLE:
            row[l] = label == l
        rows.append(row)
    return pd.DataFrame(rows, columns=["key", "attack_class", "dataset", "variant", "base"] + COUNT_COLUMNS)


def analyse(corpus, models, lineage_names, settings):
    df = trace_frame(corpus)
    pooled = df[df["variant"] != "B"]  # A9.2: cells pool A and no-variant traces; B never

    def point(key, t):
        m = models[key]
        x = math.log10(m["params_b"]) if m["params_b"] is not None else None
        strict = wilson(t["counts"]["COMPLIANCE"], t["n"])
        return {"model": key, "x": x, "n": t["n"], "k": t["counts"]["COMPLIANCE"],
                "y_pp": 100 * strict["rate"] if strict else None, "excluded": m["excluded"], "strict": strict}

    # Cells (A2, D16): (attack class, model) over A and no-variant traces
    cell_tallies = tallies(pooled, ["attack_class", "key"])
    cells = []
    for (attack_class, key), t in sorted(cell_tallies.items()):
        m, c = models[key], t["counts"]
        cells.append({
            "attack_class": attack_class, "model": key, "n": t["n"], "counts": c,
            "ungraded": t["ungraded"], "errors": t["errors"], "benign": t["benign"],
            "unknown_label": t["unknown_label"],
            "strict": wilson(c["COMPLIANCE"], t["n"]),
            "broad": wilson(c["COMPLIANCE"] + c["PARTIAL"], t["n"]),
            "fd": wilson(c["COMPLIANCE"] + c["PARTIAL"] + c["HALLUCINATION_REFUSAL"], t["n"]),
            "thin": t["n"] < settings["thin_n"], "excluded": m["excluded"],
            "exclusion_reason": m["exclusion_reason"], "lineage": m["lineage"],
            "params_b": m["params_b"], "active_params_b": m["active_params_b"],
            "fit_pp": None, "residual_pp": None, "residual_sd_pp": None, "outlier": None, "off_line": None})

    regressions = []
    # attack_class groups, and the outlier fields of their points (A6, D6)
    by_class = defaultdict(list)
    for cell in cells:
        by_class[cell["attack_class"]].append(cell)
    for attack_class, class_cells in by_class.items():
        group_cells = [point(c["model"], cell_tallies[(attack_class, c["model"])]) for c in class_cells]
        doc, points, fit = regression("attack_class", {"attack_class": attack_class}, group_cells, settings)
        regressions.append(doc)
        # AMBIGUOUS: a group with k >= 3 points but fewer than 2 distinct x has no fit, so no outlier fields.
        if fit is not None and len(points) >= 3:
            fitted_values, residuals, s = fit
            cell_of = {c["model"]: c for c in class_cells}
            for p, fitted, resid in zip(points, fitted_values, residuals):
                cell = cell_of[p["model"]]
                lo, hi = 100 * cell["strict"]["lo"], 100 * cell["strict"]["hi"]
                cell.update({"fit_pp": float(fitted), "residual_pp": float(resid), "residual_sd_pp": s,
                             "outlier": bool(s > 0 and abs(resid) > 2 * s),
                             "off_line": not (lo <= fitted <= hi)})
    # dataset groups: (dataset, model) cells.
    # AMBIGUOUS: database rows without a source dataset (no source_datasets table) join no dataset group.
    by_dataset = defaultdict(list)
    for (dataset, key), t in tallies(pooled, ["dataset", "key"]).items():
        by_dataset[dataset].append(point(key, t))
    for dataset, group_cells in by_dataset.items():
        regressions.append(regression("dataset", {"dataset": dataset}, group_cells, settings)[0])
    # lineage groups: (lineage, model) cells pooling every attack class; lineage_attack_class groups
    model_tallies = tallies(pooled, "key")
    for name in lineage_names:
        member_keys = sorted(k for k, m in models.items() if m["lineage"] == name)
        if not member_keys:
            continue
        group_cells = [point(key, model_tallies[key]) for key in member_keys if key in model_tallies]
        regressions.append(regression("lineage", {"lineage": name}, group_cells, settings)[0])
        for attack_class in sorted({ac for ac, key in cell_tallies if key in member_keys}):
            group_cells = [point(key, t) for (ac, key), t in cell_tallies.items()
                           if ac == attack_class and key in member_keys]
            regressions.append(regression("lineage_attack_class",
                                          {"lineage": name, "attack_class": attack_class}, group_cells, settings)[0])

    # Matched lineages (A4, D17): members with at least one evaluable trace, by size then key
    lineages = []
    for name in lineage_names:
        members = []
        for key, t in model_tallies.items():
            if models[key]["lineage"] == name and t["n"] > 0:
                members.append({"model": key, "params_b": models[key]["params_b"], "n": t["n"],
                                "strict": wilson(t["counts"]["COMPLIANCE"], t["n"])})
        if not members:
            continue
        members.sort(key=lambda m: (m["params_b"] is None, m["params_b"] or 0, m["model"]))
        transitions = [{"from": a["model"], "to": b["model"],
                        "delta_pp": 100 * b["strict"]["rate"] - 100 * a["strict"]["rate"],
                        "same_size": a["params_b"] is not None and a["params_b"] == b["params_b"]}
                       for a, b in zip(members, members[1:])]
        # A12: the attack classes every member has an evaluable trace in, and each member over those only
        keys = [m["model"] for m in members]
        evaluable = pooled[pooled["key"].isin(keys) & pooled["evaluable"]]
        classes_of = evaluable.groupby("key")["attack_class"].agg(lambda c: set(c))
        shared = sorted(set.intersection(*[classes_of[k] for k in keys]))
        for m in members:
            t = tally(pooled[(pooled["key"] == m["model"]) & pooled["attack_class"].isin(shared)])
            m["shared"] = {"n": t["n"], "strict": wilson(t["counts"]["COMPLIANCE"], t["n"])}
        lineages.append({"name": name, "members": members, "transitions": transitions,
                         "shape": shape_of(members, settings["flat_threshold_pp"]),
                         "shared_attack_classes": shared,
                         "mix_differs": any(classes_of[k] != set(shared) for k in keys)})

    dilution, dilution_regressions = analyse_dilution(df, models, lineage_names, settings)
    regressions += dilution_regressions
    regressions.sort(key=lambda r: (r["group"], r["key"].get("lineage", ""), r["key"].get("attack_class", ""),
                                    r["key"].get("dataset", "")))
    return cells, regressions, lineages, dilution


def analyse_dilution(df, models, lineage_names, settings):
    """A5, D20."""
    variant = df[df["variant"].isin(["A", "B"])]
    entries = []
    for key, frame in variant.groupby("key"):
        m = models[key]
        a, b = tally(frame[frame["variant"] == "A"]), tally(frame[frame["variant"] == "B"])
        ka, kb = a["counts"]["COMPLIANCE"], b["counts"]["COMPLIANCE"]
        sa, sb = wilson(ka, a["n"]), wilson(kb, b["n"])
        delta = ci = None
        if sa and sb:
            pa, la, ua = 100 * sa["rate"], 100 * sa["lo"], 100 * sa["hi"]
            pb, lb, ub = 100 * sb["rate"], 100 * sb["lo"], 100 * sb["hi"]
            delta = pb - pa
            ci = [delta - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2),
                  delta + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)]
        # Pairs: k-th A with k-th B of the same base id, in (path, line) order (A9.3)
        pairs = only_a = only_b = 0
        with_base = frame[frame["base"].notna()]
        for _, by_base in with_base.groupby("base"):
            a_rows = by_base[by_base["variant"] == "A"]
            b_rows = by_base[by_base["variant"] == "B"]
            for (_, ra), (_, rb) in zip(a_rows.iterrows(), b_rows.iterrows()):
                if ra["evaluable"] and rb["evaluable"]:
                    pairs += 1
                    only_a += bool(ra["COMPLIANCE"] and not rb["COMPLIANCE"])
                    only_b += bool(rb["COMPLIANCE"] and not ra["COMPLIANCE"])
        entries.append({"model": key, "params_b": m["params_b"], "lineage": m["lineage"],
                        "excluded": m["excluded"], "exclusion_reason": m["exclusion_reason"],
                        "a": {"n": a["n"], "k": ka, "strict": sa}, "b": {"n": b["n"], "k": kb, "strict": sb},
                        "delta_pp": delta, "delta_ci_pp": ci, "pairs": pairs,
                        "b_only_a": only_a, "b_only_b": only_b, "mcnemar_p": mcnemar_exact(only_a, only_b)})
    entries.sort(key=lambda e: e["model"])

    def as_cell(e):
        m = models[e["model"]]
        return {"model": e["model"], "x": math.log10(m["params_b"]) if m["params_b"] is not None else None,
                "y_pp": e["delta_pp"], "n": e["a"]["n"] + e["b"]["n"], "k": 0, "excluded": m["excluded"]}

    regressions = []
    groups = [(name, [e for e in entries if e["lineage"] == name]) for name in lineage_names]
    # AMBIGUOUS: {lineage: "all"} exists even when no trace has a variant (then INSUFFICIENT, no points).
    groups = [(name, members) for name, members in groups if members] + [("all", entries)]
    for name, members in groups:
        regressions.append(regression("dilution", {"lineage": name}, [as_cell(e) for e in members],
                                      settings, logistic=False)[0])
    headlines = []
    # AMBIGUOUS: headlines follow the lineage map's order, like `lineages`.
    for name in lineage_names:
        members = [e for e in entries if e["lineage"] == name and not e["excluded"]
                   and e["params_b"] is not None and e["delta_pp"] is not None]
        if len(members) < 2:
            continue
        members.sort(key=lambda e: (e["params_b"], e["model"]))
        small, large = members[0], members[-1]
        span = large["delta_pp"] - small["delta_pp"]
        threshold = settings["headline_threshold_pp"]
        ci = mover_span(large["delta_pp"], large["delta_ci_pp"], small["delta_pp"], small["delta_ci_pp"])
        decision = decide(ci, threshold)
        rates = [e[arm]["k"] / e[arm]["n"] for e in (small, large) for arm in ("a", "b")]
        headlines.append({"lineage": name, "smallest": small["model"], "largest": large["model"],
                          "delta_span_pp": span, "meets_threshold": span > threshold + 1e-9,
                          "delta_span_ci_pp": ci, "decision": decision,
                          "n_per_arm_to_decide": per_arm_to_decide(rates, threshold)
                          if decision == "UNDECIDED" else None})
    return {"models": entries, "headlines": headlines}, regressions


def mover_span(d_large, ci_large, d_small, ci_small):
    """A10: MOVER (Zou & Donner 2008) interval of d_large - d_small, in pp."""
    span = d_large - d_small
    return [span - math.sqrt((d_large - ci_large[0]) ** 2 + (ci_small[1] - d_small) ** 2),
            span + math.sqrt((ci_large[1] - d_large) ** 2 + (d_small - ci_small[0]) ** 2)]


def decide(ci, threshold):
    if ci[0] > threshold + 1e-9:
        return "EXCEEDS"
    if ci[1] < threshold - 1e-9:
        return "BELOW"
    return "UNDECIDED"


def per_arm_to_decide(rates, threshold):
    """A10: the smallest m in 1..100000 that decides with the rates [A_S, B_S, A_L, B_L] held, or None.
    Every m is tried (vectorised), so nothing here assumes that the decision is monotone in m."""
    m = np.arange(1, 100001, dtype=float)
    pp = []
    for p in rates:
        lo, hi = proportion_confint(p * m, m, alpha=0.05, method="wilson")
        pp.append((100 * p, 100 * np.clip(lo, 0, 1), 100 * np.clip(hi, 0, 1)))
    (pa_s, la_s, ua_s), (pb_s, lb_s, ub_s), (pa_l, la_l, ua_l), (pb_l, lb_l, ub_l) = pp
    d_s, d_l = pb_s - pa_s, pb_l - pa_l
    lo_s = d_s - np.sqrt((pb_s - lb_s) ** 2 + (ua_s - pa_s) ** 2)
    hi_s = d_s + np.sqrt((ub_s - pb_s) ** 2 + (pa_s - la_s) ** 2)
    lo_l = d_l - np.sqrt((pb_l - lb_l) ** 2 + (ua_l - pa_l) ** 2)
    hi_l = d_l + np.sqrt((ub_l - pb_l) ** 2 + (pa_l - la_l) ** 2)
    span = d_l - d_s
    lower = span - np.sqrt((d_l - lo_l) ** 2 + (hi_s - d_s) ** 2)
    upper = span + np.sqrt((hi_l - d_l) ** 2 + (d_s - lo_s) ** 2)
    decided = np.flatnonzero((lower > threshold + 1e-9) | (upper < threshold - 1e-9))
    return int(m[decided[0]]) if decided.size else None


def grader_agreement(corpus):
    """A7, D21: Cohen's kappa between a trace's primary grader and each second opinion."""
    pairs = {}
    for trace in corpus.traces:
        if trace.verdict is None:
            continue
        for grader, opinion in trace.opinions.items():
            table = pairs.setdefault((trace.verdict.grader, grader), np.zeros((4, 4), int))
            first, second = trace.verdict.label, opinion.label
            if not trace.sentinel and first in EVALUABLE and second in EVALUABLE:
                table[EVALUABLE.index(first), EVALUABLE.index(second)] += 1
    out = []
    for (primary, secondary), table in sorted(pairs.items()):
        strict = np.array([[table[1:, 1:].sum(), table[1:, 0].sum()],
                           [table[0, 1:].sum(), table[0, 0]]])  # [not C, C] x [not C, C]
        out.append({"primary": primary, "secondary": secondary, "n": int(table.sum()),
                    "kappa_labels": kappa(table), "kappa_strict": kappa(strict)})
    return out


def build_models(corpus, lineage_map, compiled):
    by_key = defaultdict(list)
    for trace in sorted(corpus.traces, key=lambda t: t.order):
        by_key[trace.key].append(trace)
    models = {}
    for key, traces in sorted(by_key.items()):
        reason = next((f'contains "{p}"' for p in lineage_map.get("exclude") or [] if p and p.lower() in key), None)
        lineage, lineage_params = None, None
        if reason is None:
            for name, members in compiled:
                hit = next((params for regex, params in members if regex is not None and regex.search(key)), False)
                if hit is not False:
                    lineage, lineage_params = name, hit
                    break
        total, active, name_approx = parse_name_size(key)
        field = next((v for v in (parse_param_field(t.param_field) for t in traces if t.param_field is not None)
                      if v is not None), None)
        if lineage_params is not None:
            params, source, approx = lineage_params, "lineage", False
        elif field is not None:
            (params, approx), source = field, "field"
        elif total is not None:
            params, source, approx = total, "name", name_approx
        else:
            params, source, approx = None, None, False
        models[key] = {"key": key, "names": sorted({t.model for t in traces}), "params_b": params,
                       "active_params_b": active, "params_source": source, "approximate": approx,
                       "lineage": lineage, "excluded": reason is not None, "exclusion_reason": reason}
    return models


# ----------------------------------------------------------------------------------------------
# Command
# ----------------------------------------------------------------------------------------------

def load_settings(text):
    settings = dict(DEFAULT_SETTINGS)
    if text is None:
        return settings
    try:
        given = json.loads(text)
    except ValueError:
        given = json.loads(Path(text).read_text())  # a path to a JSON file is accepted too
    if not isinstance(given, dict):
        raise ValueError("--settings must be a JSON object")
    for name, value in given.items():
        if name in settings:
            settings[name] = value
    return settings


def clean(value):
    """JSON-safe: numpy scalars to Python, NaN/inf to null."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def run(root, lineages_file, settings):
    problems = Problems()
    files = {}  # path -> {"kind", "records"}
    lineage_map, map_paths = load_lineage_map(root, lineages_file, problems, files)
    compiled = compile_lineages(lineage_map, map_paths, problems)
    found = discover(root)
    corpus = Corpus(problems)
    by_kind = defaultdict(list)
    for rel, kind in found.items():
        by_kind[kind].append(rel)
    rows_of = {}
    for kind in ("traces", "graded", "xgrader", "scenarios"):
        for rel in sorted(by_kind[kind]):
            rows_of[rel] = read_jsonl(root, rel, problems)
            records = sum(1 for _, o in rows_of[rel] if as_text(o.get("id")) is not None) \
                if kind == "scenarios" else len(rows_of[rel])
            files[rel] = {"kind": kind, "records": records}
    for rel in sorted(by_kind["traces"]):
        corpus.read_trace_file(rows_of[rel], rel)
    # AMBIGUOUS: database rows are traces after every JSONL line in every ordering, but they are
    # registered before graded files so that a graded line naming `db:<id>` attaches to that row.
    for index, rel in enumerate(sorted(by_kind["database"])):
        files[rel] = {"kind": "database", "records": corpus.read_database(root, rel, index, settings)}
    for rel in sorted(by_kind["graded"]):
        corpus.read_graded_file(rows_of[rel], rel)
    corpus.apply_own_verdicts()
    for rel in sorted(by_kind["xgrader"]):
        corpus.read_xgrader_file(rows_of[rel], rel)
    corpus.report_unknown_labels()  # A11: the problems are those without a chosen grader
    if settings["grader"] is not None:
        corpus.choose_grader(settings["grader"])
    corpus.assign_variants()

    models = build_models(corpus, lineage_map, compiled)
    lineage_names = [name for name, _ in compiled]
    cells, regressions, lineages, dilution = analyse(corpus, models, lineage_names, settings)

    counts = {c: 0 for c in ("ungraded", "errors", "benign", "unknown_label", "evaluable")}
    for trace in corpus.traces:
        counts[category(trace)] += 1
    per_file = defaultdict(int)
    for p in problems.items:
        per_file[p["path"]] += 1
    return {
        "schema": SCHEMA,
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
                        .replace("+00:00", "Z"),
        "settings": settings,
        "inputs": {
            "files": [{"path": rel, "kind": f["kind"], "records": f["records"], "problems": per_file[rel]}
                      for rel, f in sorted(files.items())],
            "traces": {"total": len(corpus.traces), "graded": len(corpus.traces) - counts["ungraded"],
                       "ungraded": counts["ungraded"], "evaluable": counts["evaluable"],
                       "errors": counts["errors"], "benign": counts["benign"],
                       "unknown_label": counts["unknown_label"]},
            "problems": sorted(problems.items, key=lambda p: (p["path"], p["line"] is not None, p["line"] or 0)),
        },
        "models": [models[k] for k in sorted(models)],
        "cells": cells,
        "regressions": regressions,
        "lineages": lineages,
        "dilution": dilution,
        "agreement": grader_agreement(corpus),
    }


def main(argv):
    parser = argparse.ArgumentParser(description="Failure-First Lens reference analysis (results JSON on stdout)")
    parser.add_argument("workspace")
    parser.add_argument("--lineages", metavar="FILE")
    parser.add_argument("--settings", metavar="JSON")
    try:
        args = parser.parse_args(argv)
    except SystemExit:
        return 2
    root = Path(args.workspace).resolve()
    if not root.is_dir():
        print(f"ff_reference: workspace folder not found: {args.workspace}", file=sys.stderr)
        return 2
    # AMBIGUOUS: a --lineages file that does not exist is a usage error (exit 2), not a problem.
    if args.lineages is not None and not Path(args.lineages).is_file():
        print(f"ff_reference: lineage map not found: {args.lineages}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(args.settings)
    except (ValueError, OSError) as err:
        print(f"ff_reference: bad --settings: {err}", file=sys.stderr)
        return 2
    document = clean(run(root, args.lineages, settings))
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
