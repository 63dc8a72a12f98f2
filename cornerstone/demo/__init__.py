"""Demo data: a seeded cast and realistic conversations that tell a QA story.

- `roster.py`: 8 teams, 60 agents (`agent-001`...) with stable habits and archetypes (warm,
  thorough, curt, slow, canned, careless, solid), 4,000 customers with order history, staff users
  (admin, 2 QA leads, 5 reviewers with a leniency, 8 managers), 16 coaching events and the team
  drifts: Billing, Returns, Onboarding trend up; Orders & Delivery, Social Care, Night Shift down;
  Tech Support, Priority Accounts flat. Coached agents improve on the session's focus criteria
  from the session's day on.
- `phrases.py`: what people say: eight topics (late delivery, wrong item, double charge, refund,
  login, product question, cancellation, damaged item), calm and angry customers, the agent's
  building blocks (greeting, feelings, apology, blame, explore, acknowledge, solution, choices,
  expectations, escalation, confirmation, feedback, closing, shouting, profanity, rambling,
  canned templates), bots, system messages, internal notes.
- `dialogue.py`: one conversation at a time from the agent's habits of the day; timing by
  channel and agent speed; CSAT/NPS/CES on a share of conversations, following handling quality
  with noise; the gaps real exports have (no timestamps, no customer name, local offsets).
- `generator.py`: `generate(path, conversations, seed)` streams canonical JSONL (or CSV) to disk,
  deterministic for a seed whatever the number of workers; `iter_conversations` in process.
- `pipeline.py`: `build_demo(db_path, conversations, seed)`, what `qa demo` runs.
- Seeding the demo database after import and scoring, through the warehouse's real write
  functions: `accounts.py` (one account per role), `reviews.py` (reviews, comments, queues,
  disputes), `coaching.py` (the roster's coaching events), `calibration.py` (rounds with
  reviewers' biases).

Regenerate the committed sample after changing any of these:
`python -m cornerstone.demo.generator data/sample_conversations.jsonl 200`.
"""
