//! SKELETON (helper B replaces): webhook endpoints and delivery.
