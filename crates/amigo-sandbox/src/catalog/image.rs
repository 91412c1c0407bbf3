//! Generated product pictures: an SVG per product image, drawn from the product's category
//! (shape and accent colour), brand and name, so the demo looks like a real shop offline.
//!
//! File names are `p{id}-{position}.svg`; anything else is not an image of ours.

use super::{Catalog, Shape};

/// A product image file name, parsed strictly: `p{id}-{position}.svg` with no leading zeros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageName {
    /// Product id.
    pub product_id: u64,
    /// 1-based gallery position.
    pub position: u8,
}

impl ImageName {
    /// Parses a requested file name; `None` for anything not of the exact form.
    pub fn parse(file: &str) -> Option<Self> {
        let rest = file.strip_prefix('p')?.strip_suffix(".svg")?;
        let (id, pos) = rest.split_once('-')?;
        let digits = |s: &str| {
            !s.is_empty()
                && s.len() <= 10
                && !s.starts_with('0')
                && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(id) || !digits(pos) {
            return None;
        }
        Some(Self {
            product_id: id.parse().ok()?,
            position: pos.parse().ok()?,
        })
    }
}

/// Escapes text for SVG element content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a product name into at most two lines of about 26 characters for the caption.
fn caption_lines(name: &str) -> (String, String) {
    let mut first = String::new();
    let mut second = String::new();
    for word in name.split_whitespace() {
        let line = if second.is_empty() && first.len() + word.len() < 26 {
            &mut first
        } else {
            &mut second
        };
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if second.chars().count() > 28 {
        second = second.chars().take(27).collect::<String>() + "…";
    }
    (first, second)
}

fn figure(shape: Shape, colour: &str) -> String {
    match shape {
        Shape::Plug => format!(
            r##"<rect x="150" y="110" width="100" height="120" rx="18" fill="{colour}"/><rect x="175" y="80" width="12" height="34" rx="3" fill="#9ca3af"/><rect x="213" y="80" width="12" height="34" rx="3" fill="#9ca3af"/><rect x="182" y="190" width="36" height="12" rx="4" fill="#111827" opacity=".6"/>"##
        ),
        Shape::Slab => format!(
            r##"<rect x="130" y="80" width="140" height="190" rx="22" fill="{colour}"/><rect x="150" y="100" width="100" height="8" rx="4" fill="#ffffff" opacity=".35"/><circle cx="200" cy="230" r="9" fill="#ffffff" opacity=".8"/>"##
        ),
        Shape::Pods => format!(
            r##"<rect x="125" y="150" width="150" height="110" rx="50" fill="{colour}"/><line x1="125" y1="195" x2="275" y2="195" stroke="#111827" stroke-opacity=".25" stroke-width="3"/><ellipse cx="165" cy="110" rx="22" ry="28" fill="#f9fafb" stroke="{colour}" stroke-width="4"/><ellipse cx="235" cy="110" rx="22" ry="28" fill="#f9fafb" stroke="{colour}" stroke-width="4"/>"##
        ),
        Shape::Headphones => format!(
            r##"<path d="M120 200 A80 80 0 0 1 280 200" fill="none" stroke="{colour}" stroke-width="16" stroke-linecap="round"/><rect x="100" y="185" width="48" height="80" rx="20" fill="{colour}"/><rect x="252" y="185" width="48" height="80" rx="20" fill="{colour}"/>"##
        ),
        Shape::Watch => format!(
            r##"<rect x="170" y="60" width="60" height="230" rx="18" fill="#374151"/><rect x="140" y="115" width="120" height="120" rx="34" fill="{colour}"/><rect x="155" y="130" width="90" height="90" rx="24" fill="#111827"/><text x="200" y="183" font-family="Helvetica,Arial,sans-serif" font-size="22" fill="#f9fafb" text-anchor="middle">10:08</text>"##
        ),
        Shape::Cable => format!(
            r##"<path d="M110 120 C 170 60, 230 180, 290 110 S 230 260, 160 230 S 120 170, 200 170" fill="none" stroke="{colour}" stroke-width="10" stroke-linecap="round"/><rect x="92" y="104" width="30" height="22" rx="5" fill="#9ca3af"/><rect x="190" y="160" width="30" height="22" rx="5" fill="#9ca3af"/>"##
        ),
        Shape::Speaker => format!(
            r##"<rect x="120" y="90" width="160" height="180" rx="40" fill="{colour}"/><circle cx="200" cy="180" r="50" fill="#111827" opacity=".75"/><circle cx="200" cy="180" r="20" fill="#f9fafb" opacity=".4"/>"##
        ),
        Shape::Phone => format!(
            r##"<rect x="145" y="60" width="110" height="220" rx="20" fill="{colour}"/><rect x="155" y="75" width="90" height="190" rx="12" fill="#e5e7eb"/><circle cx="175" cy="90" r="7" fill="#111827"/>"##
        ),
        Shape::Appliance => format!(
            r##"<rect x="150" y="70" width="100" height="170" rx="30" fill="{colour}"/><rect x="135" y="235" width="130" height="30" rx="10" fill="#374151"/><circle cx="200" cy="130" r="18" fill="#ffffff" opacity=".5"/>"##
        ),
        Shape::Lamp => format!(
            r##"<circle cx="200" cy="140" r="62" fill="{colour}"/><circle cx="200" cy="140" r="40" fill="#fef3c7" opacity=".7"/><rect x="178" y="198" width="44" height="50" rx="8" fill="#6b7280"/>"##
        ),
    }
}

impl Catalog {
    /// The SVG for a requested image file, or `None` when the name is malformed, the product
    /// doesn't exist or has fewer images than the position asked for.
    pub fn image_svg(&self, file: &str) -> Option<String> {
        let name = ImageName::parse(file)?;
        let product = self.seeded(name.product_id)?;
        if usize::from(name.position) > product.images.len() || name.position == 0 {
            return None;
        }
        let (colour, shape) = self.category_style(product.category.id)?;
        // Each gallery position is a different "shot": its own background and angle.
        let (background, angle) = match name.position {
            1 => ("#f3f4f6", 0),
            2 => ("#eef2ff", -12),
            3 => ("#fdf2f8", 10),
            _ => ("#ecfdf5", -4),
        };
        let (line1, line2) = caption_lines(&product.name);
        Some(format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{label}"><rect width="400" height="400" fill="{background}"/><circle cx="200" cy="175" r="135" fill="{colour}" opacity=".08"/><g transform="rotate({angle} 200 175)">{figure}</g><text x="24" y="40" font-family="Helvetica,Arial,sans-serif" font-size="20" font-weight="700" fill="{colour}">{brand}</text><text x="200" y="330" font-family="Helvetica,Arial,sans-serif" font-size="17" fill="#111827" text-anchor="middle">{line1}</text><text x="200" y="354" font-family="Helvetica,Arial,sans-serif" font-size="17" fill="#111827" text-anchor="middle">{line2}</text></svg>"##,
            label = escape(&product.name),
            figure = figure(shape, colour),
            brand = product.brand.as_str(),
            line1 = escape(&line1),
            line2 = escape(&line2),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_parsed_strictly() {
        assert_eq!(
            ImageName::parse("p42-3.svg"),
            Some(ImageName {
                product_id: 42,
                position: 3
            })
        );
        for bad in [
            "p042-1.svg",
            "p42-01.svg",
            "p42-1.png",
            "42-1.svg",
            "p42.svg",
            "p-1.svg",
            "p42-1.svg/..",
            "p4 2-1.svg",
            "p42-+1.svg",
            "p99999999999-1.svg",
            "",
        ] {
            assert_eq!(ImageName::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn renders_each_image_of_a_product_and_no_more() {
        let c = Catalog::generate(42, 50, "http://x");
        let p = c.product(7).unwrap();
        for img in &p.images {
            let file = img.url.rsplit('/').next().unwrap();
            let svg = c.image_svg(file).unwrap();
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains(p.brand.as_str()));
        }
        let past = format!("p7-{}.svg", p.images.len() + 1);
        assert!(p.images.len() == 4 || c.image_svg(&past).is_none());
        assert!(c.image_svg("p51-1.svg").is_none());
    }

    #[test]
    fn captions_escape_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        let (a, b) = caption_lines("Oraimo Traveler 3 10000mAh Power Bank - Black");
        assert!(a.len() <= 26 && !b.is_empty());
    }
}
