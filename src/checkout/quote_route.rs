//! Where the delivery quote is asked: Amigo's public quote straight from the browser, as the
//! design intends, or the proxy's `POST /api/delivery/quote` when the browser cannot reach it.
//!
//! The docs promise browser use only for `locations.php`; the quote is "Public" but its CORS is
//! not published (issue 22, item 5). A CORS refusal shows in the browser only as a rejected
//! `fetch` (a `TypeError`, no HTTP status), the same as a network failure, so that is what
//! switches the route: the proxy is asked at once, and when it answers (anything with an HTTP
//! status) the choice is remembered for the rest of the session, per store. When the proxy is
//! unreachable too, the shopper is offline: nothing is remembered and the next quote tries the
//! browser route again. An HTTP answer from Amigo (a 422, a 429) is Amigo's word and is shown
//! as is.

/// Which way one quote request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Amigo's public quote, called from the browser.
    Browser,
    /// The merchant's proxy, which forwards to Amigo.
    Proxy,
}

/// How one quote call ended, as far as the route cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something answered with an HTTP status (a quote, an error envelope, an unreadable body).
    Answered,
    /// `fetch` rejected without a status: a CORS refusal or a network failure.
    Unreachable,
    /// Cancelled by a newer request.
    Cancelled,
}

/// What to do after a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Show this call's result.
    Done,
    /// Ask the proxy now, with the same request.
    AskProxy,
}

/// The session's choice for one store. `Copy`: the caller keeps it in a shared cell and in
/// `sessionStorage` ([`QuoteRoute::session_value`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuoteRoute {
    proxy: bool,
}

/// What `sessionStorage` holds once the proxy is the route.
const PROXY: &str = "proxy";

impl QuoteRoute {
    /// The route saved in `sessionStorage` (`None`, or anything unknown: the browser route).
    pub fn from_session(saved: Option<&str>) -> Self {
        Self {
            proxy: saved == Some(PROXY),
        }
    }

    /// What to keep in `sessionStorage`: `Some("proxy")` once the proxy is the route.
    pub fn session_value(self) -> Option<&'static str> {
        self.proxy.then_some(PROXY)
    }

    /// Where the next quote goes first.
    pub fn first(self) -> Via {
        if self.proxy { Via::Proxy } else { Via::Browser }
    }

    /// After a call that went `via` and ended in `outcome`: whether to ask the proxy now, and
    /// (when the proxy answered after the browser could not reach Amigo) the choice remembered.
    pub fn after(&mut self, via: Via, outcome: Outcome) -> Next {
        match (via, outcome) {
            (Via::Browser, Outcome::Unreachable) => Next::AskProxy,
            (Via::Proxy, Outcome::Answered) => {
                self.proxy = true;
                Next::Done
            }
            _ => Next::Done,
        }
    }
}

/// The `sessionStorage` key of one store's quote route (the cart's key shape: merchant and
/// proxy), so two stores on a page decide apart.
pub fn session_key(proxy: &str, merchant: &str) -> String {
    if merchant.is_empty() {
        format!("amigo-quote-route:v1:{proxy}")
    } else {
        format!("amigo-quote-route:v1:{merchant}@{proxy}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_goes_first_and_an_answer_keeps_it() {
        let mut r = QuoteRoute::default();
        assert_eq!(r.first(), Via::Browser);
        assert_eq!(r.after(Via::Browser, Outcome::Answered), Next::Done);
        assert_eq!(
            r.first(),
            Via::Browser,
            "an HTTP answer from Amigo is its word"
        );
        assert_eq!(r.session_value(), None);
    }

    #[test]
    fn an_unreachable_quote_asks_the_proxy_and_remembers_it_once_it_answers() {
        let mut r = QuoteRoute::default();
        assert_eq!(r.after(Via::Browser, Outcome::Unreachable), Next::AskProxy);
        assert_eq!(
            r.first(),
            Via::Browser,
            "not remembered before the proxy answers"
        );
        assert_eq!(r.after(Via::Proxy, Outcome::Answered), Next::Done);
        assert_eq!(r.first(), Via::Proxy);
        assert_eq!(r.session_value(), Some("proxy"));
        // later failures of the proxy are shown, without going back to the browser
        assert_eq!(r.after(Via::Proxy, Outcome::Unreachable), Next::Done);
        assert_eq!(r.first(), Via::Proxy);
    }

    #[test]
    fn offline_remembers_nothing() {
        let mut r = QuoteRoute::default();
        assert_eq!(r.after(Via::Browser, Outcome::Unreachable), Next::AskProxy);
        assert_eq!(r.after(Via::Proxy, Outcome::Unreachable), Next::Done);
        assert_eq!(
            r.first(),
            Via::Browser,
            "both unreachable: the shopper is offline"
        );
        assert_eq!(r.session_value(), None);
    }

    #[test]
    fn a_cancelled_call_does_nothing() {
        let mut r = QuoteRoute::default();
        assert_eq!(r.after(Via::Browser, Outcome::Cancelled), Next::Done);
        assert_eq!(r.after(Via::Proxy, Outcome::Cancelled), Next::Done);
        assert_eq!(r, QuoteRoute::default());
    }

    #[test]
    fn the_session_value_round_trips() {
        assert_eq!(QuoteRoute::from_session(None).first(), Via::Browser);
        assert_eq!(QuoteRoute::from_session(Some("junk")).first(), Via::Browser);
        let r = QuoteRoute::from_session(Some("proxy"));
        assert_eq!(r.first(), Via::Proxy);
        assert_eq!(QuoteRoute::from_session(r.session_value()), r);
    }

    #[test]
    fn stores_keep_their_own_route() {
        assert_eq!(
            session_key("https://shop.example", ""),
            "amigo-quote-route:v1:https://shop.example"
        );
        assert_ne!(
            session_key("https://shop.example", "a"),
            session_key("https://shop.example", "b")
        );
    }
}
