//! The 14 consolidated categories and what a product in each looks like: name parts, price
//! band, description sentences and the picture the image generator draws for it.

/// How the generated product picture is drawn (see `catalog::image`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A charger brick with prongs.
    Plug,
    /// A flat rounded slab (power banks, storage).
    Slab,
    /// A charging case with two buds.
    Pods,
    /// A headband with two cups.
    Headphones,
    /// A round dial on a strap.
    Watch,
    /// A coiled cable with connectors.
    Cable,
    /// A cylinder speaker with a grille.
    Speaker,
    /// A phone outline.
    Phone,
    /// A tall appliance body.
    Appliance,
    /// A bulb / lamp.
    Lamp,
}

/// Everything the generator needs to make products of one category.
#[derive(Debug)]
pub(crate) struct CategorySpec {
    /// Category id (1-based, the wire id).
    pub(crate) id: u32,
    /// Wire slug.
    pub(crate) slug: &'static str,
    pub(crate) name: &'static str,
    /// Products of this category in the 1,297-product catalog; scaled for other sizes.
    pub(crate) weight: u32,
    /// Accent colour of the generated images.
    pub(crate) colour: &'static str,
    /// Picture drawn for it.
    pub(crate) shape: Shape,
    /// The product type words at the end of a name ("Power Bank").
    pub(crate) nouns: &'static [&'static str],
    /// Oraimo model families.
    pub(crate) oraimo_models: &'static [&'static str],
    /// Amigo model families.
    pub(crate) amigo_models: &'static [&'static str],
    /// Spec variants, cheapest first (price rises along this list).
    pub(crate) specs: &'static [&'static str],
    /// Price band in whole Naira.
    pub(crate) price: (i64, i64),
    /// Description sentences; a product gets two or three of them.
    pub(crate) features: &'static [&'static str],
}

/// The consolidated categories, in wire-id order. Weights add up to 1,297.
pub(crate) const CATEGORIES: [CategorySpec; 14] = [
    CategorySpec {
        id: 1,
        slug: "charging-accessories",
        name: "Charging Accessories",
        weight: 183,
        colour: "#1f9d55",
        shape: Shape::Plug,
        nouns: &[
            "Wall Charger",
            "Fast Charger",
            "Wireless Charger",
            "Charging Dock",
        ],
        oraimo_models: &["FireFly", "PowerJet", "Spark", "Cube", "Wizard"],
        amigo_models: &["Volt", "Zap", "Juice"],
        specs: &["10W", "18W", "20W", "25W", "33W", "45W", "65W"],
        price: (2_500, 16_000),
        features: &[
            "Smart chip detects your phone and delivers the fastest safe current.",
            "Over-voltage, over-current and short-circuit protection built in.",
            "Compact fold-flat prongs that travel well.",
            "Works with Android and iPhone via USB-C PD and QC 3.0.",
            "Stays cool under load thanks to a flame-retardant PC shell.",
        ],
    },
    CategorySpec {
        id: 2,
        slug: "power-banks",
        name: "Power Banks",
        weight: 142,
        colour: "#0b7a3e",
        shape: Shape::Slab,
        nouns: &["Power Bank", "Slim Power Bank", "Magnetic Power Bank"],
        oraimo_models: &[
            "Traveler 3",
            "Traveler 4",
            "Toast",
            "PowerBox",
            "Dual",
            "PowerGo",
        ],
        amigo_models: &["Juice Pack", "Reserve", "Nomad"],
        specs: &[
            "5000mAh", "10000mAh", "20000mAh", "27000mAh", "30000mAh", "40000mAh",
        ],
        price: (7_500, 42_000),
        features: &[
            "Slim aluminum body with 22.5W fast charge.",
            "Charges two devices at once through USB-A and USB-C.",
            "LED display shows the exact charge left.",
            "Enough for several full phone charges through a long NEPA outage.",
            "Airline-safe capacity with multi-layer battery protection.",
        ],
    },
    CategorySpec {
        id: 3,
        slug: "earbuds",
        name: "Earbuds",
        weight: 130,
        colour: "#2563eb",
        shape: Shape::Pods,
        nouns: &["True Wireless Earbuds", "ENC Earbuds", "ANC Earbuds"],
        oraimo_models: &[
            "FreePods 3",
            "FreePods 4",
            "FreePods Lite",
            "Riff",
            "SpaceBuds",
            "Roll",
        ],
        amigo_models: &["Buds", "Buds Pro", "AirTone"],
        specs: &["Lite", "Standard", "Plus", "Pro"],
        price: (8_000, 38_000),
        features: &[
            "Environmental noise cancellation keeps calls clear on busy streets.",
            "Up to 35 hours of playtime with the charging case.",
            "Bluetooth 5.3 for a stable, low-latency connection.",
            "IPX5 sweat and splash resistance for workouts.",
            "Deep bass tuned by oraimo's sound lab.",
        ],
    },
    CategorySpec {
        id: 4,
        slug: "headphones",
        name: "Headphones",
        weight: 70,
        colour: "#7c3aed",
        shape: Shape::Headphones,
        nouns: &[
            "Wireless Headphones",
            "Over-Ear Headphones",
            "Neckband Earphones",
        ],
        oraimo_models: &["BoomPop", "Necklace", "SoundGo", "Halo"],
        amigo_models: &["Studio", "Wave"],
        specs: &["Lite", "2", "3", "Pro"],
        price: (6_500, 45_000),
        features: &[
            "Soft memory-foam cushions for all-day comfort.",
            "Up to 60 hours of music on one charge.",
            "Foldable design that fits in any bag.",
            "Dual-device pairing: switch between phone and laptop.",
        ],
    },
    CategorySpec {
        id: 5,
        slug: "smart-wear",
        name: "Smart Wear",
        weight: 95,
        colour: "#db2777",
        shape: Shape::Watch,
        nouns: &["Smart Watch", "Smart Band", "Fitness Tracker"],
        oraimo_models: &["Watch 2", "Watch Pro", "Watch ER", "Tempo", "Watch Nova"],
        amigo_models: &["Pulse", "Fit"],
        specs: &["1.43\"", "1.69\"", "1.83\"", "2.01\""],
        price: (12_000, 65_000),
        features: &[
            "AMOLED display readable in full sunlight.",
            "Heart-rate, SpO2 and sleep tracking around the clock.",
            "Bluetooth calling straight from your wrist.",
            "100+ sport modes and IP68 water resistance.",
            "Up to 10 days of battery on a single charge.",
        ],
    },
    CategorySpec {
        id: 6,
        slug: "cables",
        name: "Cables",
        weight: 160,
        colour: "#ea580c",
        shape: Shape::Cable,
        nouns: &[
            "USB-C Cable",
            "Lightning Cable",
            "Micro-USB Cable",
            "3-in-1 Cable",
        ],
        oraimo_models: &["Duraline", "PowerLink", "Speedy", "Braided"],
        amigo_models: &["Flex", "Link"],
        specs: &["1m", "1.2m", "1.5m", "2m", "3m"],
        price: (1_200, 7_500),
        features: &[
            "Nylon-braided jacket survives 20,000+ bends.",
            "Supports fast charging and 480Mbps data sync.",
            "Reinforced aluminum connector heads.",
            "Tangle-free design with a Velcro strap.",
        ],
    },
    CategorySpec {
        id: 7,
        slug: "speakers",
        name: "Speakers",
        weight: 85,
        colour: "#0891b2",
        shape: Shape::Speaker,
        nouns: &["Bluetooth Speaker", "Party Speaker", "Soundbar"],
        oraimo_models: &["SoundGo 3", "Palm", "BoomBox", "SoundPro"],
        amigo_models: &["Beat", "Bass Cube"],
        specs: &["5W", "10W", "20W", "40W", "80W"],
        price: (9_500, 85_000),
        features: &[
            "360-degree sound that fills the room.",
            "IPX7 waterproof: take it to the pool party.",
            "TWS pairing: link two speakers for stereo.",
            "Built-in mic for hands-free calls.",
            "RGB light show synced to the beat.",
        ],
    },
    CategorySpec {
        id: 8,
        slug: "car-accessories",
        name: "Car Accessories",
        weight: 75,
        colour: "#475569",
        shape: Shape::Plug,
        nouns: &[
            "Car Charger",
            "Car Phone Holder",
            "FM Transmitter",
            "Dash Cam",
        ],
        oraimo_models: &["Roadtrip", "Dual Car", "AutoMount"],
        amigo_models: &["Drive", "Cruise"],
        specs: &["Standard", "Plus", "Pro"],
        price: (3_000, 28_000),
        features: &[
            "Fits every standard 12V/24V socket.",
            "One-hand mounting with a secure grip on rough roads.",
            "Charges driver and passenger phones together.",
            "Flame-retardant build for hot car interiors.",
        ],
    },
    CategorySpec {
        id: 9,
        slug: "phone-protection",
        name: "Cases & Protection",
        weight: 90,
        colour: "#9333ea",
        shape: Shape::Phone,
        nouns: &["Phone Case", "Screen Protector", "Camera Lens Protector"],
        oraimo_models: &["Shield", "ArmorGlass"],
        amigo_models: &["Guard", "Clear", "Rugged"],
        specs: &["Clear", "Matte", "Privacy", "Tempered"],
        price: (1_500, 9_000),
        features: &[
            "9H tempered glass with an oleophobic coating.",
            "Raised edges protect the screen and camera from drops.",
            "Bubble-free install with the included alignment frame.",
            "Slim enough for wireless charging.",
        ],
    },
    CategorySpec {
        id: 10,
        slug: "personal-care",
        name: "Personal Care",
        weight: 60,
        colour: "#be123c",
        shape: Shape::Appliance,
        nouns: &[
            "Hair Clipper",
            "Beard Trimmer",
            "Electric Shaver",
            "Hair Dryer",
        ],
        oraimo_models: &["SmartClipper", "Trim", "Groom"],
        amigo_models: &["Fade", "Smooth"],
        specs: &["Lite", "Standard", "Pro"],
        price: (6_000, 32_000),
        features: &[
            "Self-sharpening stainless blades.",
            "USB-C rechargeable with 120 minutes of cordless use.",
            "Washable head for easy cleaning.",
            "Multiple guide combs for every length.",
        ],
    },
    CategorySpec {
        id: 11,
        slug: "home-appliances",
        name: "Home Appliances",
        weight: 45,
        colour: "#b45309",
        shape: Shape::Appliance,
        nouns: &[
            "Rechargeable Fan",
            "Blender",
            "Electric Kettle",
            "Air Fryer",
        ],
        oraimo_models: &["Home", "SmartFan", "Chef"],
        amigo_models: &["Kitchen", "Breeze"],
        specs: &["Compact", "Standard", "Family", "XL"],
        price: (15_000, 120_000),
        features: &[
            "Runs for hours on its built-in battery when the power goes out.",
            "Food-grade materials and an auto shut-off for safety.",
            "Quiet motor with three speed settings.",
            "Easy-clean parts that are dishwasher safe.",
        ],
    },
    CategorySpec {
        id: 12,
        slug: "computer-accessories",
        name: "Computer Accessories",
        weight: 60,
        colour: "#4f46e5",
        shape: Shape::Slab,
        nouns: &["Wireless Mouse", "Keyboard", "USB-C Hub", "Laptop Stand"],
        oraimo_models: &["Office", "Desk"],
        amigo_models: &["Work", "Type", "Dock"],
        specs: &["Standard", "Silent", "Pro", "7-in-1"],
        price: (4_000, 35_000),
        features: &[
            "Plug and play on Windows, macOS and Android.",
            "Ergonomic shape for long working days.",
            "2.4GHz receiver with a 10m range.",
            "Aluminum build that matches your laptop.",
        ],
    },
    CategorySpec {
        id: 13,
        slug: "storage",
        name: "Storage & Memory",
        weight: 40,
        colour: "#0f766e",
        shape: Shape::Slab,
        nouns: &["microSD Card", "USB Flash Drive", "Portable SSD"],
        oraimo_models: &["Store", "Vault"],
        amigo_models: &["Keep", "Stash"],
        specs: &["32GB", "64GB", "128GB", "256GB", "512GB"],
        price: (3_000, 60_000),
        features: &[
            "Class 10 U3 speeds for 4K video.",
            "Shock-, water- and temperature-proof.",
            "Comes with a full-size adapter.",
            "Backed by a data-safe warranty.",
        ],
    },
    CategorySpec {
        id: 14,
        slug: "lighting-power",
        name: "Lighting & Power",
        weight: 62,
        colour: "#ca8a04",
        shape: Shape::Lamp,
        nouns: &[
            "Rechargeable Lamp",
            "Solar Lantern",
            "Extension Socket",
            "Surge Protector",
        ],
        oraimo_models: &["Glow", "PowerStrip"],
        amigo_models: &["Shine", "Beam", "Guard"],
        specs: &["Mini", "Standard", "4-Way", "6-Way", "Max"],
        price: (3_500, 30_000),
        features: &[
            "Bright LEDs that last through the longest blackout.",
            "Surge protection for your TV, fridge and decoder.",
            "Solar and USB charging options.",
            "Child-safe sockets with an illuminated switch.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_up_to_the_platform_catalog() {
        assert_eq!(CATEGORIES.iter().map(|c| c.weight).sum::<u32>(), 1297);
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert_eq!(c.id as usize, i + 1);
            assert!(c.price.0 < c.price.1);
        }
    }
}
