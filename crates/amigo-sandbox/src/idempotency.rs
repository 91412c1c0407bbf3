//! SKELETON (helper B replaces): idempotency records.
