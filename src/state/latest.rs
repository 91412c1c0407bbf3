//! Latest-wins request sequencing: every request takes a ticket, and only the newest ticket's
//! response may be applied, so a slow stale response never overwrites a newer one.

/// A request's place in the sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// Issues tickets and says which one is current.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Latest {
    issued: u64,
}

impl Latest {
    /// A ticket for a new request; every earlier ticket becomes stale.
    pub fn issue(&mut self) -> Ticket {
        self.issued += 1;
        Ticket(self.issued)
    }

    /// Whether `ticket` is the newest one issued (its response may be applied).
    pub fn is_current(&self, ticket: Ticket) -> bool {
        ticket.0 == self.issued
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_ticket_is_current() {
        let mut latest = Latest::default();
        let first = latest.issue();
        assert!(latest.is_current(first));
        let second = latest.issue();
        // the first response arriving late is refused; the second is taken
        assert!(!latest.is_current(first));
        assert!(latest.is_current(second));
    }
}
