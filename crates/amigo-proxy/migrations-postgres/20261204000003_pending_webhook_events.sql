-- Issue 23 item 10: an event for an order this proxy does not know yet (it beat the order's own
-- answer) waits here and is applied when the order is recorded. Bounded by the proxy: at most
-- 24 hours and a fixed number of rows, the oldest dropped.
CREATE TABLE pending_webhook_events (
    reference        TEXT NOT NULL,
    status           TEXT NOT NULL,
    cancelled_reason TEXT,
    at               TEXT NOT NULL,
    received_ms      BIGINT NOT NULL,
    PRIMARY KEY (reference, status)
);
CREATE INDEX pending_webhook_events_received ON pending_webhook_events (received_ms);
