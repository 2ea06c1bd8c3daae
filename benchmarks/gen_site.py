#!/usr/bin/env python3
"""Write a synthetic but realistic vpcsite site, for benchmarks and tests.

    python benchmarks/gen_site.py N [--out DIR] [--seed S] [--force]

writes DIR (default ``bench-site-N``) with a ``site.toml``, max(1, N // 2) customer
segments under ``content/segments/`` and N value maps under ``content/value-maps/``,
each value map targeting one of the segments (spread evenly). Every block (jobs, pains,
gains, products, relievers, creators) has 5-12 items, with a mix of shorthand items,
numeric and word ranks, statuses, evidence and notes. Every reference resolves, so the
generated site has no errors (it may have warnings, e.g. a fit below the target band).

The same N and seed always give the same bytes. The module uses the standard library
only and can be imported by path; ``generate(n, out, seed)`` is its entry point.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

__all__ = ["generate", "main"]

#: Lists the files the last run wrote, so a forced re-run can remove stale ones (and only those).
MANIFEST = ".gen_site-files"

# --- word lists ---------------------------------------------------------------------

AUDIENCE_ADJECTIVES = [
    "Busy",
    "Remote",
    "First-time",
    "Small-town",
    "Freelance",
    "Retired",
    "Young",
    "Part-time",
    "Senior",
    "Independent",
    "Night-shift",
    "Urban",
    "Self-employed",
    "Working",
    "Travelling",
    "Newly qualified",
]
AUDIENCE_ROLES = [
    "accountants",
    "parents",
    "nurses",
    "software developers",
    "shop owners",
    "students",
    "teachers",
    "delivery drivers",
    "architects",
    "farmers",
    "photographers",
    "restaurant owners",
    "lawyers",
    "musicians",
    "personal trainers",
    "electricians",
    "translators",
    "pharmacists",
    "estate agents",
    "carers",
]
PEOPLE = [
    "clients",
    "colleagues",
    "their manager",
    "their family",
    "customers",
    "peers",
    "suppliers",
    "the team",
    "new hires",
    "their partner",
]
VERBS = [
    "Plan",
    "Track",
    "Organise",
    "Find",
    "Compare",
    "Book",
    "Prepare",
    "Review",
    "Share",
    "Learn about",
    "Manage",
    "Schedule",
    "Check",
    "Keep on top of",
    "Sort out",
    "Pay for",
    "Update",
]
OBJECTS = [
    "client appointments",
    "monthly expenses",
    "team meetings",
    "family meals",
    "tax paperwork",
    "training sessions",
    "supplier orders",
    "project deadlines",
    "home repairs",
    "holiday travel",
    "study materials",
    "customer feedback",
    "stock levels",
    "daily workouts",
    "invoices",
    "shift rotas",
    "insurance claims",
    "delivery routes",
    "course assignments",
    "equipment maintenance",
    "patient notes",
    "price quotes",
    "weekly shopping",
    "marketing posts",
]
CONTEXTS = [
    "on the go",
    "before Monday",
    "without a laptop",
    "in under ten minutes",
    "with the whole team",
    "at the end of the day",
    "every week",
    "between appointments",
    "from a phone",
    "during peak season",
    "without spreadsheets",
    "in one place",
]
JOB_TEMPLATES = [  # (template, kind)
    ("{verb} {obj}", "functional"),
    ("{verb} {obj} {ctx}", "functional"),
    ("{verb} {obj} {ctx}", "functional"),
    ("Feel confident about {obj}", "emotional"),
    ("Feel calm about {obj} in busy weeks", "emotional"),
    ("Look professional to {people}", "social"),
    ("Be seen as reliable by {people}", "social"),
    ("Get help from {people} with {obj}", "supporting"),
    ("Buy the right tools for {obj}", "supporting"),
]
PAIN_TEMPLATES = [  # (template, kind)
    ("Too much time spent on {obj}", "functional"),
    ("Mistakes in {obj} {ctx}", "functional"),
    ("Losing track of {obj}", "functional"),
    ("Forgetting {obj} at busy times", "functional"),
    ("Hidden costs of {obj}", "ancillary"),
    ("Unreliable tools for {obj}", "ancillary"),
    ("Long setup before {obj} can start", "ancillary"),
    ("Stress about {obj}", "emotional"),
    ("Guilt about neglected {obj}", "emotional"),
    ("Embarrassment in front of {people} over {obj}", "social"),
    ("Complaints from {people} about {obj}", "social"),
]
GAIN_TEMPLATES = [  # (template, kind)
    ("A clear overview of {obj}", "required"),
    ("Fewer errors in {obj}", "required"),
    ("Save an hour a week on {obj}", "expected"),
    ("Lower costs for {obj}", "expected"),
    ("Faster {obj} {ctx}", "expected"),
    ("Peace of mind about {obj}", "desired"),
    ("Praise from {people} for {obj}", "desired"),
    ("More free evenings despite {obj}", "desired"),
    ("Surprise insights into {obj}", "unexpected"),
    ("Recommendations from {people}", "unexpected"),
]
PRODUCT_TEMPLATES = [  # (template, kind)
    ("Mobile app for {obj}", "digital"),
    ("Online dashboard for {obj}", "digital"),
    ("Browser extension for {obj}", "digital"),
    ("Calendar integration for {obj}", "digital"),
    ("Printed planner for {obj}", "physical"),
    ("Starter kit for {obj}", "physical"),
    ("Hardware scanner for {obj}", "physical"),
    ("Onboarding workshop on {obj}", "intangible"),
    ("Expert support line for {obj}", "intangible"),
    ("Community forum about {obj}", "intangible"),
    ("Monthly subscription covering {obj}", "financial"),
    ("Pay-as-you-go pricing for {obj}", "financial"),
    ("Instalment plan for {obj}", "financial"),
]
RELIEVER_TEMPLATES = [
    "Automatic reminders for {obj}",
    "One-click export of {obj}",
    "Ready-made templates for {obj}",
    "Offline mode for {obj}",
    "Flat monthly price for {obj}",
    "Error checks on {obj} before sending",
    "Shared inbox for {obj}",
    "Step-by-step setup for {obj} {ctx}",
    "Undo history for {obj}",
    "Live chat help with {obj}",
]
CREATOR_TEMPLATES = [
    "Weekly summary of {obj}",
    "Progress charts for {obj}",
    "Badges for streaks in {obj}",
    "Smart suggestions for {obj}",
    "Shareable reports on {obj} for {people}",
    "Benchmarks of {obj} against peers",
    "Time-saved counter for {obj}",
    "Personal coach tips on {obj}",
    "Yearly review of {obj}",
]
BRAND_HEADS = ["Quick", "Smart", "Easy", "Clear", "Bright", "Simple", "Swift", "True", "Calm", "Neat"]
BRAND_TAILS = ["Plan", "Track", "Desk", "Hub", "Flow", "Mate", "Box", "Base", "Pilot", "Note", "Dock", "Loop"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
QUOTES = [
    "I do this on the bus because there is no other time.",
    "Every tool I tried wanted an hour of setup first.",
    "Honestly, I just want someone to tell me it is done.",
    "My spreadsheet works until it suddenly does not.",
    "I only notice the problem when a customer complains.",
    "If it took five minutes, I would do it every week.",
    "The worst part is not knowing whether I forgot something.",
    "I would pay for this if it saved me one evening a month.",
]
NOTES = [
    "Mentioned unprompted in most interviews.",
    "Only heard from the larger accounts so far.",
    "Check again after the next pricing change.",
    "Conflicts with what the survey says; needs a follow-up.",
    "Strong signal from the pilot, but the sample was small.",
    "Keep an eye on this; competitors are moving here.",
    "Cheap to test with a landing page.",
    "Depends on the *partner integration* shipping first.",
]
SENTENCES = [
    "Most of them started without any dedicated tool and still rely on habits.",
    "They compare options carefully, but decide quickly once something works.",
    "Word of mouth matters more than advertising for this group.",
    "Budgets are tight, and every new subscription is questioned.",
    "They use a phone for almost everything and a laptop only at the office.",
    "Peak season doubles their workload for about two months a year.",
    "Many have tried a competing product and given up during setup.",
    "They value being in control more than having every feature.",
    "Trust is built slowly, usually through a recommendation from a peer.",
    "Time saved is the argument that lands best in interviews.",
]
QUESTIONS = [
    "Which of the top pains would they pay to get rid of?",
    "Is the social job strong enough to design for?",
    "Do the findings hold outside the pilot region?",
    "How much setup time is acceptable before they give up?",
    "Would a lower price change who signs up?",
    "Which channel reaches them before peak season?",
]

STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "for",
    "in",
    "on",
    "at",
    "to",
    "by",
    "with",
    "about",
    "from",
    "before",
    "every",
    "despite",
    "their",
    "can",
    "into",
    "over",
    "when",
}

RANK_WORDS = {
    "importance": ["trivial", "minor", "moderate", "important", "critical"],
    "severity": ["mild", "moderate", "significant", "severe", "extreme"],
    "relevance": ["nice-to-have", "desired", "expected", "important", "essential"],
}
STATUSES = ["assumed", "observed", "verified", "invalidated"]
STATUS_WEIGHTS = [4, 3, 2, 1]

# --- helpers ------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lower-case, every run of non-alphanumerics to one '-', stripped: the site's id rule."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()/-]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "y", "n", "null", "none", "~"}


def yaml_str(text: str) -> str:
    """A YAML scalar for text: plain where that is unambiguous, double-quoted otherwise."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and not text.endswith(" "):
        return text
    if '"' in text and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        verb=rng.choice(VERBS),
        obj=rng.choice(OBJECTS),
        ctx=rng.choice(CONTEXTS),
        people=rng.choice(PEOPLE),
    )


def unique_text(templates: list, rng: random.Random, used: set[str]) -> tuple[str, str | None]:
    """Pick a template, fill it, and keep drawing until its slug is new in this document."""
    for _ in range(50):
        choice = rng.choice(templates)
        template, kind = choice if isinstance(choice, tuple) else (choice, None)
        text = fill(template, rng)
        if slug(text) not in used:
            used.add(slug(text))
            return text, kind
    number = 2
    while slug(f"{text} {number}") in used:
        number += 1
    text = f"{text} {number}"
    used.add(slug(text))
    return text, kind


def unique_id(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def status(rng: random.Random) -> str:
    return rng.choices(STATUSES, STATUS_WEIGHTS)[0]


def evidence(rng: random.Random, topic: str, item_id: str) -> list[str]:
    found = []
    for _ in range(rng.randint(1, 2)):
        if rng.random() < 0.5:
            month = rng.choice(MONTHS)
            found.append(f"[Interview notes, {month}](https://research.example.com/{topic}/{item_id})")
        else:
            person = rng.randint(1, 30)
            found.append(f'"{rng.choice(QUOTES)}" (P{person}, {rng.choice(AUDIENCE_ROLES)[:-1]})')
    return found


def item_lines(item: dict) -> list[str]:
    """One list entry of a block: a shorthand string or a mapping, keys in a fixed order."""
    if item.get("shorthand"):
        return [f"  - {yaml_str(item['text'])}"]
    lines = [f"  - id: {item['id']}", f"    text: {yaml_str(item['text'])}"]
    for key in ("kind", "importance", "severity", "relevance"):
        if key in item:
            lines.append(f"    {key}: {item[key]}")
    for key in ("jobs", "relieves", "creates", "by"):
        if key in item:
            lines.append(f"    {key}: [{', '.join(item[key])}]")
    if "status" in item:
        lines.append(f"    status: {item['status']}")
    if "evidence" in item:
        lines.append("    evidence:")
        lines.extend(f"      - {yaml_str(entry)}" for entry in item["evidence"])
    if "note" in item:
        lines.append(f"    note: {yaml_str(item['note'])}")
    return lines


# --- documents ----------------------------------------------------------------------


def customer_block(rng: random.Random, templates: list, rank_key: str, topic: str, used: set[str]) -> list[dict]:
    items = []
    for _ in range(rng.randint(5, 12)):
        text, kind = unique_text(templates, rng, used)
        item = {"id": slug(text), "text": text}
        if rng.random() < 0.15:
            item["shorthand"] = True  # plain string: id = slug(text), defaults for the rest
            items.append(item)
            continue
        if rng.random() < 0.2:
            # An explicit id shorter than the slug, as people write by hand.
            words = [word for word in slug(text).split("-") if word not in STOPWORDS]
            short = "-".join(words[:3])
            if short != item["id"]:
                item["id"] = unique_id(short, used)
        item["kind"] = kind
        value = rng.randint(1, 5)
        item[rank_key] = RANK_WORDS[rank_key][value - 1] if rng.random() < 0.35 else value
        item["status"] = status(rng)
        if rng.random() < 0.3:
            item["evidence"] = evidence(rng, topic, item["id"])
        if rng.random() < 0.2:
            item["note"] = rng.choice(NOTES)
        items.append(item)
    return items


def segment_doc(rng: random.Random, used_ids: set[str]) -> dict:
    for _ in range(20):  # prefer a fresh audience; number it once the combinations run out
        title = f"{rng.choice(AUDIENCE_ADJECTIVES)} {rng.choice(AUDIENCE_ROLES)}"
        if slug(title) not in used_ids:
            break
    seg_id = unique_id(slug(title), used_ids)
    used: set[str] = set()
    return {
        "id": seg_id,
        "title": title,
        "summary": f"{title} who {rng.choice(VERBS).lower()} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}",
        "jobs": customer_block(rng, JOB_TEMPLATES, "importance", seg_id, used),
        "pains": customer_block(rng, PAIN_TEMPLATES, "severity", seg_id, used),
        "gains": customer_block(rng, GAIN_TEMPLATES, "relevance", seg_id, used),
    }


def value_map_doc(rng: random.Random, segment: dict, used_ids: set[str]) -> dict:
    for _ in range(20):
        brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
        if slug(brand) not in used_ids:
            break
    title = f"{brand} for {segment['title'].lower()}"
    vm_id = unique_id(slug(brand), used_ids)
    used: set[str] = set()
    job_ids = [item["id"] for item in segment["jobs"]]
    pain_ids = [item["id"] for item in segment["pains"]]
    gain_ids = [item["id"] for item in segment["gains"]]

    def extras(item: dict) -> dict:
        item["status"] = status(rng)
        if rng.random() < 0.25:
            item["evidence"] = evidence(rng, vm_id, item["id"])
        if rng.random() < 0.2:
            item["note"] = rng.choice(NOTES)
        return item

    products = []
    for _ in range(rng.randint(5, 12)):
        text, kind = unique_text(PRODUCT_TEMPLATES, rng, used)
        products.append(
            extras(
                {
                    "id": slug(text),
                    "text": text,
                    "kind": kind,
                    "jobs": rng.sample(job_ids, min(len(job_ids), rng.randint(1, 2))),
                }
            )
        )
    product_ids = [item["id"] for item in products]

    def linked(templates: list[str], key: str, pool: list[str]) -> list[dict]:
        block = []
        for _ in range(rng.randint(5, 12)):
            text, _kind = unique_text(templates, rng, used)
            block.append(
                extras(
                    {
                        "id": slug(text),
                        "text": text,
                        key: rng.sample(pool, min(len(pool), rng.choice([1, 1, 2, 2, 3]))),
                        "by": rng.sample(product_ids, rng.randint(1, 2)),
                    }
                )
            )
        return block

    return {
        "id": vm_id,
        "title": title,
        "summary": f"{brand} helps {segment['title'].lower()} with {rng.choice(OBJECTS)}",
        "segment": segment["id"],
        "products": products,
        "relievers": linked(RELIEVER_TEMPLATES, "relieves", pain_ids),
        "creators": linked(CREATOR_TEMPLATES, "creates", gain_ids),
    }


def body(rng: random.Random, headings: list[str], doc: dict) -> list[str]:
    """10-30 lines of Markdown notes: headings, paragraphs, a bullet and a numbered list."""
    lines = [f"## {headings[0]}", "", " ".join(rng.sample(SENTENCES, rng.randint(2, 4))), ""]
    lines += [f"## {headings[1]}", ""]
    items = [item["text"] for block in ("pains", "relievers", "jobs") for item in doc.get(block, [])]
    for text in rng.sample(items, min(len(items), rng.randint(3, 7))):
        lines.append(f"- **{text}**: {rng.choice(SENTENCES).lower()}")
    lines += ["", f"## {headings[2]}", ""]
    for number, question in enumerate(rng.sample(QUESTIONS, rng.randint(2, 4)), start=1):
        lines.append(f"{number}. {question}")
    if rng.random() < 0.5:
        lines += ["", "### Sources", "", f"See the [research folder](https://research.example.com/{doc['id']}/) for interview notes and survey data."]
    return lines


def render(doc: dict, sections: tuple[str, ...], extra_keys: tuple[str, ...], notes: list[str]) -> str:
    lines = ["---", f"title: {yaml_str(doc['title'])}", f"summary: {yaml_str(doc['summary'])}"]
    lines += [f"{key}: {doc[key]}" for key in extra_keys]
    for section in sections:
        lines.append(f"{section}:")
        for item in doc[section]:
            lines.extend(item_lines(item))
    lines += ["---", "", *notes, ""]
    return "\n".join(lines)


SITE_TOML = """\
# Synthetic site written by benchmarks/gen_site.py ({n} value maps, seed {seed}).
title = "Benchmark site: {n} value maps"
base_url = ""
theme = "default"
content_dir = "content"
output_dir = "public"

[fit]
target = [0.5, 0.7]

[check]
strict = false
ignore = []
"""


def experiment_docs(count: int, maps: list[dict], segments: dict[str, dict], rng: random.Random) -> dict[str, str]:
    """`count` experiments over the value maps, a third each planned, running and done
    (done ones supported, refuted or inconclusive, at reliability 1–3), each testing a
    reliever and a pain it relieves: files by path."""
    files = {}
    for index in range(count):
        vm = maps[index % len(maps)]
        segment_ids = {item["id"] for section in ("jobs", "pains", "gains") for item in segments[vm["segment"]][section]}
        reliever = rng.choice(vm["relievers"])
        tests = [reliever["id"]] if reliever["id"] not in segment_ids else []
        tests.append(rng.choice(reliever["relieves"]))
        state = ("planned", "running", "done")[index % 3]
        lines = [
            "---",
            f"title: Experiment {index + 1} on {yaml_str(vm['title'])}",
            f"value_map: {vm['id']}",
            f"tests: [{', '.join(tests)}]",
            f"hypothesis: We believe {yaml_str(reliever['text'].lower())} relieves what it says.",
            "test: To verify that, we will run a two-week pilot.",
            "metric: And measure weekly use.",
            "criteria: We are right if half of them use it twice a week.",
            f"ratings: {{critical: {rng.randint(1, 3)}, cost: {rng.randint(1, 3)}, reliability: {rng.randint(1, 3)}, time: {rng.randint(1, 3)}}}",
            f"owner: {rng.choice(['Dana', 'Priya', 'Marco', 'Lee'])}",
            f"deadline: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"state: {state}",
        ]
        if state == "done":
            lines += [
                f"concluded: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"result: {rng.choice(['supported', 'refuted', 'inconclusive'])}",
                "observation: We observed steady use in the second week.",
                "learning: From that we learned the habit forms early.",
                f"decision: {rng.choice(['persevere', 'pivot', 'kill', 'keep-testing'])}",
            ]
        lines += ["---", "", rng.choice(SENTENCES), ""]
        files[f"content/experiments/experiment-{index + 1}.md"] = "\n".join(lines)
    return files


def business_model_docs(count: int, maps: list[dict], rng: random.Random) -> dict[str, str]:
    """`count` Business Model Canvases, each over one segment and up to three of the
    value maps that target it: files by path."""
    by_segment: dict[str, list[str]] = {}
    for vm in maps:
        by_segment.setdefault(vm["segment"], []).append(vm["id"])
    segment_ids = sorted(by_segment)
    files = {}
    for index in range(count):
        segment = segment_ids[index % len(segment_ids)]
        blocks = {
            "channels": ["App stores", "Partner shops", "Social ads"],
            "customer_relationships": ["Self-service", "Weekly check-in"],
            "key_activities": ["Product development", "Content production"],
            "key_resources": ["Content library", "Usage data"],
            "key_partners": ["Retail partners", "Freelance experts"],
            "cost_structure": ["Team", "Hosting", "Marketing"],
            "revenue_streams": ["Subscription", "Add-ons"],
        }
        lines = ["---", f"title: Business model {index + 1}", f"segments: [{segment}]", f"value_propositions: [{', '.join(by_segment[segment][:3])}]"]
        lines += [f"{key}: [{', '.join(rng.sample(items, rng.randint(1, len(items))))}]" for key, items in blocks.items()]
        lines += ["---", "", rng.choice(SENTENCES), ""]
        files[f"content/business-models/business-model-{index + 1}.md"] = "\n".join(lines)
    return files


def generate(n: int, out: Path, seed: int = 0, experiments: int = 0, business_models: int = 0) -> None:
    """Write a site with max(1, n // 2) segments and n value maps to ``out``, and as
    many experiments and business models as asked (their own random stream, so the
    canvases are the same with or without them).

    Deterministic for (n, seed). Files a previous run wrote to ``out`` (listed in its
    manifest) that this run does not write are removed; nothing else is touched. The
    caller decides whether writing into a non-empty folder is acceptable.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    out = Path(out)
    rng = random.Random(seed)
    site_ids: set[str] = set()
    segments = [segment_doc(rng, site_ids) for _ in range(max(1, n // 2))]
    files: dict[str, str] = {"site.toml": SITE_TOML.format(n=n, seed=seed)}
    for segment in segments:
        notes = body(rng, ["Who they are", "Findings", "Open questions"], segment)
        files[f"content/segments/{segment['id']}.md"] = render(segment, ("jobs", "pains", "gains"), (), notes)
    maps = []
    for index in range(n):
        vm = value_map_doc(rng, segments[index % len(segments)], site_ids)
        maps.append(vm)
        notes = body(rng, ["Positioning", "What we offer", "Experiments"], vm)
        files[f"content/value-maps/{vm['id']}.md"] = render(vm, ("products", "relievers", "creators"), ("segment",), notes)
    method_rng = random.Random(seed + 1)
    files.update(experiment_docs(experiments, maps, {s["id"]: s for s in segments}, method_rng))
    files.update(business_model_docs(business_models, maps, method_rng))

    manifest = out / MANIFEST
    if manifest.is_file():
        for name in manifest.read_text(encoding="utf-8").splitlines():
            stale = out / name
            if name and name not in files and ".." not in Path(name).parts and stale.is_file():
                stale.unlink()
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    manifest.write_text("".join(f"{name}\n" for name in files), encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic vpcsite site for benchmarks.")
    parser.add_argument("n", type=int, help="number of value maps (segments: n // 2, at least 1)")
    parser.add_argument("--out", type=Path, help="output folder (default: bench-site-N)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    parser.add_argument("--experiments", type=int, default=0, help="number of experiments (default: 0)")
    parser.add_argument("--business-models", type=int, default=0, help="number of business models (default: 0)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    out: Path = args.out or Path(f"bench-site-{args.n}")
    if out.exists() and not out.is_dir():
        parser.error(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        parser.error(f"{out} is not empty; use --force to write into it anyway")
    started = time.perf_counter()
    generate(args.n, out, args.seed, args.experiments, args.business_models)
    segments = max(1, args.n // 2)
    print(
        f"wrote {args.n} value map{'s' * (args.n != 1)} and {segments} segment{'s' * (segments != 1)}"
        + (f", {args.experiments} experiments and {args.business_models} business models" if args.experiments or args.business_models else "")
        + f" to {out} (seed {args.seed}, {time.perf_counter() - started:.2f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
