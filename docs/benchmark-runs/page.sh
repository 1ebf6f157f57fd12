cd /work/wt-h17b
ACC=$(ls out/bench-[4-8]-accurate.json | tr '\n' '+' | sed 's/+$//')
N=$(ls out/bench-[4-8]-accurate.json | wc -l)
PYTHONPATH=src .venv/bin/python bench/benchmark_page.py docs/benchmark.md \
 "Report seeds 4-8, never tuned on=out/bench-4-8-fast.json+$ACC|The policy was frozen at commit 97b4bc3 before these seeds were run, once. Market baselines, \`foretold\` (surprise policy, fast tier) and \`foretold_risk\` (the older policy, fast tier) ran on seeds 4..8. \`foretold_accurate\` (the accurate tier, about 27 minutes a seed on this shared 2-core machine) ran one seed per process and finished seeds 4..$((3+N)) before the deadline: its rows cover those seeds only." \
 "Real streams=out/bench-real.json|JetBlue's month (expected: no alert outside Hurricane Matthew, Oct 3-7, where a warning is excused), PHEME Germanwings and the CrisisLexT26 volume curves; tuned on (JetBlue, PHEME)." \
 "Tuning seeds 1-3=out/bench-1-3-fast.json|The seeds the policy was designed and its constants chosen on (fast tier)."
