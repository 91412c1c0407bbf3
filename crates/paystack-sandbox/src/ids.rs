//! Random identifiers in the shapes Paystack's docs show: references like `re4lyvq3s3`, access
//! codes like `3ni8kdavz62431k`, `CUS_…` and `AUTH_…` codes.

use rand::Rng;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// `len` random lowercase letters and digits.
pub(crate) fn lower_alnum(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(LOWER_ALNUM[rng.random_range(0..LOWER_ALNUM.len())]))
        .collect()
}

/// A generated transaction reference (10 characters, as in the docs' examples).
pub(crate) fn reference() -> String {
    lower_alnum(10)
}

/// An access code: the last segment of the `authorization_url` (15 characters).
pub(crate) fn access_code() -> String {
    lower_alnum(15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let r = reference();
        assert_eq!(r.len(), 10);
        assert!(r.bytes().all(|b| LOWER_ALNUM.contains(&b)));
        assert_eq!(access_code().len(), 15);
        assert_ne!(access_code(), access_code());
    }
}
