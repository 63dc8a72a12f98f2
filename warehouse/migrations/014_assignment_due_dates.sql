-- An optional due date on review assignments: a QA lead building a queue may set one; reviewers
-- see it in their queue and on their home page, overdue ones marked. NULL: no due date (every
-- assignment made before this migration, calibration assignments, reviewers' own pick-ups).
ALTER TABLE review_assignments ADD COLUMN due_date DATE;
