-- Calibration session settings chosen by the QA lead when creating a session.
-- show_auto_score: whether reviewers in the session see the auto-score (and its per-criterion
-- answers) on the review page before they submit. Off by default: blind calibration.
-- warehouse.calibration.create_session writes it; warehouse.calibration.shows_auto_score reads it.
ALTER TABLE calibration_sessions ADD COLUMN show_auto_score BOOLEAN NOT NULL DEFAULT false;
