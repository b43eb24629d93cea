#!/usr/bin/env python3
"""Regenerates README's benchmark goals table from bench/results/latest.json (between the
`<!-- bench:goals -->` markers), so the README shows exactly what the last `make bench` measured."""
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
results = json.loads((REPO / "bench/results/latest.json").read_text())
rows = ["| goal | what | ours | baseline (same run) | ratio | target | verdict |", "|---|---|---|---|---|---|---|"]
for g in sorted(results.get("goals", {}).values(), key=lambda g: (g["goal"], g["what"])):
    rows.append(f"| {g['goal']} | {g['what']} | {g['ours']} | {g['baseline']} | {g['ratio']} | {g['target']} | {g['verdict']} |")
bounds = [f"- goal {g['goal']} ({g['what']}): {g['bound']}" for g in sorted(results.get("goals", {}).values(), key=lambda g: g["goal"])
          if g["verdict"] == "missed" and g.get("bound")]
block = "\n".join([f"Measured on {results.get('machine', 'this machine')}:", "", *rows] + (["", "What bounds a missed goal:", *bounds] if bounds else []))
readme = (REPO / "README.md").read_text()
begin, end = "<!-- bench:goals -->", "<!-- /bench:goals -->"
head, rest = readme.split(begin, 1)
_, tail = rest.split(end, 1)
(REPO / "README.md").write_text(head + begin + "\n" + block + "\n" + end + tail)
print("README.md: goals table regenerated from bench/results/latest.json")
