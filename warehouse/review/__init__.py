"""The human review workflow: sampling and queues, reviews and disputes, drafts, calibration,
coaching, notifications (derived and delivered) and AutoQA accuracy."""
