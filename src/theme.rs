//! Readable text on, and in, the merchant's accent colour. A merchant who sets only `--amigo-accent` (the
//! demo page sets a deep red) would otherwise get the default on-accent of the other scheme: dark
//! red text on their red in dark mode, which fails WCAG AA. The widget reads the resolved colours
//! at mount and on every scheme change and, where the pair is unreadable, picks the better of
//! white and black; and where the accent itself is too dark or light to be text on the store's
//! background, text that would be in the accent uses the text colour. The colour maths lives here, on plain values, and is unit-tested
//! natively; `mount.rs` only reads the computed styles and writes the override.

/// WCAG AA for normal text: the on-accent colour is used for button and pill labels.
pub const MIN_CONTRAST: f64 = 4.5;

/// Light text for dark accents.
pub const LIGHT_TEXT: &str = "#ffffff";
/// Dark text for light accents. Pure black: with any lighter "near-black", mid-tone accents exist
/// on which neither choice reaches 4.5:1.
pub const DARK_TEXT: &str = "#000000";

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses what `getComputedStyle(..).color` gives for an sRGB colour: `rgb(r, g, b)` or
    /// `rgba(r, g, b, a)` (commas or spaces, optional `/ a`). A colour that is not fully opaque
    /// or not sRGB gives `None`, and the widget then leaves the merchant's choice alone.
    pub fn parse_computed(s: &str) -> Option<Self> {
        let s = s.trim();
        let inner = s
            .strip_prefix("rgba(")
            .or_else(|| s.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let parts: Vec<&str> = inner
            .split(|c: char| c == ',' || c == '/' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        // browsers compute sRGB channels as integers; integer parsing also keeps the float
        // parser out of the wasm
        let channel = |p: &str| p.parse::<u8>().ok();
        let opaque = |a: &str| matches!(a, "1" | "1.0" | "100%");
        match parts.as_slice() {
            [r, g, b] => Some(Self(channel(r)?, channel(g)?, channel(b)?)),
            [r, g, b, a] if opaque(a) => Some(Self(channel(r)?, channel(g)?, channel(b)?)),
            _ => None,
        }
    }

    /// WCAG 2.1 relative luminance.
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }
}

/// WCAG 2.1 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The text colour to force on `accent`, or `None` when `current` already reads well on it.
/// Of white and black, the one with the higher contrast wins: one of them always reaches
/// at least 4.5 against any opaque colour.
pub fn readable_on(accent: Rgb, current: Rgb) -> Option<&'static str> {
    if contrast(accent, current) >= MIN_CONTRAST {
        return None;
    }
    let light = contrast(accent, Rgb(255, 255, 255));
    let dark = contrast(accent, Rgb(0, 0, 0));
    Some(if light >= dark { LIGHT_TEXT } else { DARK_TEXT })
}

/// Whether the accent can itself be text on the store's background (the discount on a price, an
/// inline error). Where it cannot (the demo's deep red on the dark background), the stylesheet's
/// `--_accent-text` falls back to the text colour.
pub fn accent_reads_on(accent: Rgb, background: Rgb) -> bool {
    contrast(accent, background) >= MIN_CONTRAST
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_browsers_compute() {
        assert_eq!(
            Rgb::parse_computed("rgb(179, 38, 30)"),
            Some(Rgb(179, 38, 30))
        );
        assert_eq!(Rgb::parse_computed("rgb(0 0 0)"), Some(Rgb(0, 0, 0)));
        assert_eq!(
            Rgb::parse_computed(" rgba(1, 2, 3, 1) "),
            Some(Rgb(1, 2, 3))
        );
        assert_eq!(Rgb::parse_computed("rgb(1 2 3 / 100%)"), Some(Rgb(1, 2, 3)));
        // translucent, out of range, other colour spaces and junk are left alone
        assert_eq!(Rgb::parse_computed("rgba(1, 2, 3, 0.5)"), None);
        assert_eq!(Rgb::parse_computed("rgb(300, 0, 0)"), None);
        assert_eq!(Rgb::parse_computed("oklch(0.5 0.2 30)"), None);
        assert_eq!(Rgb::parse_computed("rgb(1, 2)"), None);
        assert_eq!(Rgb::parse_computed(""), None);
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        let white = Rgb(255, 255, 255);
        let black = Rgb(0, 0, 0);
        assert!((contrast(white, black) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known 4.54:1
        let grey = Rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
        assert!((contrast(white, grey) - contrast(grey, white)).abs() < 1e-12);
    }

    #[test]
    fn the_demo_red_in_dark_mode_gets_white_text() {
        // the demo sets only --amigo-accent: #b3261e; dark mode's default on-accent is #410002
        let red = Rgb(0xb3, 0x26, 0x1e);
        let dark_default = Rgb(0x41, 0x00, 0x02);
        assert!(contrast(red, dark_default) < MIN_CONTRAST);
        assert_eq!(readable_on(red, dark_default), Some(LIGHT_TEXT));
    }

    #[test]
    fn a_light_accent_gets_dark_text_and_good_pairs_are_kept() {
        let yellow = Rgb(0xff, 0xd5, 0x4f);
        assert_eq!(readable_on(yellow, Rgb(255, 255, 255)), Some(DARK_TEXT));
        // the defaults of both schemes already read well
        assert_eq!(readable_on(Rgb(0xb3, 0x26, 0x1e), Rgb(255, 255, 255)), None);
        assert_eq!(
            readable_on(Rgb(0xff, 0xb4, 0xab), Rgb(0x41, 0x00, 0x02)),
            None
        );
    }

    #[test]
    fn the_demo_red_is_text_on_light_but_not_on_dark() {
        let red = Rgb(0xb3, 0x26, 0x1e);
        assert!(accent_reads_on(red, Rgb(255, 255, 255)));
        assert!(!accent_reads_on(red, Rgb(0x14, 0x13, 0x16)));
        // the dark scheme's default accent reads on the dark background
        assert!(accent_reads_on(
            Rgb(0xff, 0xb4, 0xab),
            Rgb(0x14, 0x13, 0x16)
        ));
    }

    #[test]
    fn the_choice_always_reaches_aa() {
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(17) {
                for b in (0..=255).step_by(17) {
                    let accent = Rgb(r, g, b);
                    let text = match readable_on(accent, accent) {
                        Some(LIGHT_TEXT) => Rgb(255, 255, 255),
                        Some(_) => Rgb(0, 0, 0),
                        None => unreachable!("a colour never reads on itself"),
                    };
                    assert!(contrast(accent, text) >= MIN_CONTRAST, "{accent:?}");
                }
            }
        }
    }
}
