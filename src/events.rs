//! What the store tells the merchant's page (issue 26): `amigo:…` events with a versioned,
//! documented `detail`, for the merchant's own analytics and ad pixels.
//!
//! Everything here is plain data, unit-tested natively: the event kinds, their `detail` fields,
//! GA4's ecommerce item shape (so forwarding to `gtag('event', …)` is one line), and the cart
//! changes a cart edit makes. [`crate::events_dom`] makes each `detail` a JS object and
//! dispatches the events on the host element; the loader maps them to GA4's names for
//! `data-analytics="datalayer"`.
//!
//! The events come in two enums, as the texts do (`wording::table`): [`StoreEvent`] for what the
//! first-load module tells (browsing, the cart, errors) and [`LaterEvent`] for what only the
//! later modules tell (checkout, paying, "Buy data"). Both are told through the [`Tell`] trait
//! and a generic emit, so each one's code stays with the modules that tell it.
//!
//! No event carries personal data: no phone, name, email or address. An order or checkout
//! reference is fine (it is what the merchant reconciles with).

use amigo_types::catalog::Product;

use crate::state::cart::{Cart, CartLine};

/// The `detail.version` of every event; bumped when a field's meaning changes.
pub const EVENTS_VERSION: u32 = 1;

/// One product line as GA4's ecommerce `items[]` wants it. Prices in whole Naira.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The catalog product id, as text (GA4 ids are strings).
    pub item_id: String,
    /// The product's name.
    pub item_name: String,
    /// The brand, when known (cart lines do not keep it).
    pub item_brand: Option<String>,
    /// The category's name, when known.
    pub item_category: Option<String>,
    /// Unit price, Naira.
    pub price: i64,
    /// Units.
    pub quantity: u32,
}

impl Item {
    /// `quantity` units of a catalog product.
    pub fn of_product(p: &Product, quantity: u32) -> Self {
        Item {
            item_id: p.id.to_string(),
            item_name: p.name.clone(),
            item_brand: Some(p.brand.as_str().to_owned()),
            item_category: Some(p.category.name.clone()).filter(|c| !c.is_empty()),
            price: p.price.amount,
            quantity,
        }
    }

    /// A cart line, with `quantity` units.
    pub fn of_line(l: &CartLine, quantity: u32) -> Self {
        Item {
            item_id: l.product_id.to_string(),
            item_name: l.name.clone(),
            item_brand: None,
            item_category: None,
            price: l.unit_price,
            quantity,
        }
    }
}

/// A list of products the shopper is looking at.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemList {
    /// `all`, `category:{slug}`, `curation:{slug}` or `search`.
    pub item_list_id: String,
    /// What the shopper reads as the list's name (a search shows its query).
    pub item_list_name: String,
}

/// Something that happened in the store.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreEvent {
    /// The store is drawn and its API answers.
    Ready,
    /// A product page opened.
    ViewItem(Item),
    /// A list of products showed (a category, a curation list, a search).
    ViewList(ItemList, Vec<Item>),
    /// Units went into the cart.
    AddToCart(Item),
    /// Units left the cart.
    RemoveFromCart(Item),
    /// The cart after any change.
    CartChange(Vec<Item>),
    /// An error the shopper saw.
    Error {
        /// Where (`catalog`, `checkout`, `tracking`, `data`, `api`).
        scope: String,
        /// The sentence shown.
        message: String,
    },
}

/// Something that happened in the checkout, paying or "Buy data": told only by the modules
/// fetched later, so their detail code stays there (wasm-split places code by who calls it; one
/// enum for every event would put all of it in the first load).
#[derive(Debug, Clone, PartialEq)]
pub enum LaterEvent {
    /// The checkout opened with these lines.
    BeginCheckout(Vec<Item>),
    /// A delivery tier was chosen for an area.
    AddShippingInfo {
        /// `standard` or `premium`.
        tier: String,
        /// The state's name.
        state: String,
        /// The LGA's name.
        lga: String,
        /// The lines.
        items: Vec<Item>,
    },
    /// An order exists (Amigo's reference, or the checkout's when paid first).
    OrderPlaced {
        /// `AMG-COM-…` or `CHK-…`.
        reference: String,
        /// The lines at the prices charged.
        items: Vec<Item>,
        /// Items and delivery, Naira.
        value: i64,
        /// Delivery, Naira.
        shipping: i64,
    },
    /// A checkout's payment moved (`awaiting_payment`, `paid`, `expired`, `refunded`, …).
    Payment {
        /// `CHK-…`.
        reference: String,
        /// The checkout's status.
        status: String,
        /// `paystack` or `transfer`.
        method: String,
        /// What is charged, Naira.
        value: i64,
    },
    /// A data plan was bought (or its outcome became known).
    DataPurchase {
        /// The purchase's reference.
        reference: String,
        /// `processing`, `delivered`, `failed`.
        status: String,
        /// The network's name.
        network: String,
        /// The plan id.
        plan: u64,
        /// Its price, Naira.
        value: i64,
    },
}

/// An event as the page hears it: its DOM name, the fields of its `detail`, and, for the events
/// a merchant counts as money moving, what makes one outcome (told once per browser).
pub trait Tell {
    /// The DOM event's name.
    fn name(&self) -> &'static str;
    /// Writes the fields of the event's `detail` besides `version` and `store`.
    fn fields(&self, s: &mut dyn Sink);
    /// For `payment` and `data-purchase`, the reference and status that make one outcome: the
    /// page tells each outcome once in this browser, however often a tracking page shows it
    /// (polling, a reload, a second tab).
    fn once_key(&self) -> Option<String> {
        None
    }
    /// Writes the event's `detail`, `{version, store, …}` with the fields the README's table
    /// lists, into `s`. (Field by field into the page's own object, not JSON text or
    /// `serde_json::Value`: the first-load module carries every byte of the code.)
    fn detail(&self, store: &str, s: &mut dyn Sink) {
        s.int("version", i64::from(EVENTS_VERSION));
        s.text("store", store);
        self.fields(s);
    }
}

fn total(items: &[Item]) -> i64 {
    items
        .iter()
        .map(|i| i.price.saturating_mul(i64::from(i.quantity)))
        .sum()
}

impl Tell for StoreEvent {
    fn name(&self) -> &'static str {
        match self {
            StoreEvent::Ready => "amigo:ready",
            StoreEvent::ViewItem(_) => "amigo:view-item",
            StoreEvent::ViewList(..) => "amigo:view-list",
            StoreEvent::AddToCart(_) => "amigo:add-to-cart",
            StoreEvent::RemoveFromCart(_) => "amigo:remove-from-cart",
            StoreEvent::CartChange(_) => "amigo:cart-change",
            StoreEvent::Error { .. } => "amigo:error",
        }
    }

    fn fields(&self, s: &mut dyn Sink) {
        match self {
            StoreEvent::Ready => {}
            StoreEvent::ViewItem(item)
            | StoreEvent::AddToCart(item)
            | StoreEvent::RemoveFromCart(item) => {
                priced(s, std::slice::from_ref(item));
            }
            StoreEvent::ViewList(list, items) => {
                s.text("item_list_id", &list.item_list_id);
                s.text("item_list_name", &list.item_list_name);
                write_items(s, items);
            }
            StoreEvent::CartChange(items) => {
                s.text("currency", "NGN");
                s.int("lines", i64::try_from(items.len()).unwrap_or(i64::MAX));
                s.int("count", items.iter().map(|i| i64::from(i.quantity)).sum());
                s.int("subtotal", total(items));
                write_items(s, items);
            }
            StoreEvent::Error { scope, message } => {
                s.text("scope", scope);
                s.text("message", message);
            }
        }
    }
}

impl Tell for LaterEvent {
    fn name(&self) -> &'static str {
        match self {
            LaterEvent::BeginCheckout(_) => "amigo:begin-checkout",
            LaterEvent::AddShippingInfo { .. } => "amigo:add-shipping-info",
            LaterEvent::OrderPlaced { .. } => "amigo:order-placed",
            LaterEvent::Payment { .. } => "amigo:payment",
            LaterEvent::DataPurchase { .. } => "amigo:data-purchase",
        }
    }

    fn fields(&self, s: &mut dyn Sink) {
        match self {
            LaterEvent::BeginCheckout(items) => priced(s, items),
            LaterEvent::AddShippingInfo {
                tier,
                state,
                lga,
                items,
            } => {
                s.text("currency", "NGN");
                s.int("value", total(items));
                s.text("shipping_tier", tier);
                s.text("state", state);
                s.text("lga", lga);
                write_items(s, items);
            }
            LaterEvent::OrderPlaced {
                reference,
                items,
                value,
                shipping,
            } => {
                s.text("transaction_id", reference);
                s.text("currency", "NGN");
                s.int("value", *value);
                s.int("shipping", *shipping);
                write_items(s, items);
            }
            LaterEvent::Payment {
                reference,
                status,
                method,
                value,
            } => {
                s.text("reference", reference);
                s.text("status", status);
                s.text("method", method);
                s.text("currency", "NGN");
                s.int("value", *value);
            }
            LaterEvent::DataPurchase {
                reference,
                status,
                network,
                plan,
                value,
            } => {
                s.text("reference", reference);
                s.text("status", status);
                s.text("network", network);
                s.int("plan", i64::try_from(*plan).unwrap_or(i64::MAX));
                s.text("currency", "NGN");
                s.int("value", *value);
            }
        }
    }

    fn once_key(&self) -> Option<String> {
        match self {
            LaterEvent::Payment {
                reference, status, ..
            }
            | LaterEvent::DataPurchase {
                reference, status, ..
            } => Some(format!("{reference}:{status}")),
            _ => None,
        }
    }
}

/// Where the fields of one object are written, in order: a JS object in the browser
/// (`events_dom`), JSON in the native tests.
pub trait Sink {
    /// A string.
    fn text(&mut self, key: &'static str, value: &str);
    /// A whole number.
    fn int(&mut self, key: &'static str, value: i64);
    /// A list of `len` objects, the `n`th written by `each(n, …)` into an object of its own.
    fn list(&mut self, key: &'static str, len: usize, each: &dyn Fn(usize, &mut dyn Sink));
}

/// `currency`, `value` and `items`: the detail of one or more priced lines.
fn priced(s: &mut dyn Sink, items: &[Item]) {
    s.text("currency", "NGN");
    s.int("value", total(items));
    write_items(s, items);
}

fn write_items(s: &mut dyn Sink, items: &[Item]) {
    s.list("items", items.len(), &|n, s| items[n].write(s));
}

impl Item {
    /// Writes the item as GA4 names its fields (brand and category only when known).
    pub fn write(&self, s: &mut dyn Sink) {
        s.text("item_id", &self.item_id);
        s.text("item_name", &self.item_name);
        if let Some(b) = &self.item_brand {
            s.text("item_brand", b);
        }
        if let Some(c) = &self.item_category {
            s.text("item_category", c);
        }
        s.int("price", self.price);
        s.int("quantity", i64::from(self.quantity));
    }
}

/// The events a cart edit makes: an add or a remove for each line whose quantity changed (the
/// catalog product, when the caller has it, gives the item its brand and category), then one
/// cart change. Nothing when the cart did not change.
pub fn cart_events(before: &Cart, after: &Cart, product: Option<&Product>) -> Vec<StoreEvent> {
    let mut events = Vec::new();
    let item = |line: &CartLine, units: u32| match product {
        Some(p) if p.id == line.product_id => Item::of_product(p, units),
        _ => Item::of_line(line, units),
    };
    for line in after.lines() {
        let was = before.quantity_of(line.product_id);
        if line.quantity > was {
            events.push(StoreEvent::AddToCart(item(line, line.quantity - was)));
        } else if line.quantity < was {
            events.push(StoreEvent::RemoveFromCart(item(line, was - line.quantity)));
        }
    }
    for line in before.lines() {
        if after.line(line.product_id).is_none() {
            events.push(StoreEvent::RemoveFromCart(item(line, line.quantity)));
        }
    }
    if !events.is_empty() {
        events.push(StoreEvent::CartChange(
            after
                .lines()
                .iter()
                .map(|l| Item::of_line(l, l.quantity))
                .collect(),
        ));
    }
    events
}

/// An order the store placed (its lines at the prices charged).
pub fn order_placed(order: &amigo_types::orders::Order) -> LaterEvent {
    LaterEvent::OrderPlaced {
        reference: order.reference.clone(),
        items: order_items(&order.items),
        value: order.total.amount,
        shipping: order.delivery_fee.amount,
    }
}

/// A checkout's payment as the merchant's page hears it: `awaiting_payment`, `paid` (the payment
/// is confirmed: the checkout shows paid or placed), `expired`, `failed` or `refunded`.
pub fn checkout_payment(view: &amigo_types::checkout::CheckoutView) -> LaterEvent {
    use amigo_types::checkout::CheckoutStatus;
    let status = match view.status {
        CheckoutStatus::Placed => CheckoutStatus::Paid,
        s => s,
    };
    LaterEvent::Payment {
        reference: view.reference.clone(),
        status: status.as_str().to_owned(),
        method: view.method.as_str().to_owned(),
        value: view.total.amount,
    }
}

/// A data purchase as the merchant's page hears it: bought (`processing`), then its outcome
/// (`delivered`, `failed`); the price is the plan's, in Naira.
pub fn data_purchase(p: &amigo_types::data::DataPurchase) -> LaterEvent {
    use amigo_types::data::DataPurchaseStatus;
    LaterEvent::DataPurchase {
        reference: p.reference.clone(),
        status: match p.status {
            DataPurchaseStatus::Processing => "processing",
            DataPurchaseStatus::Delivered => "delivered",
            DataPurchaseStatus::Failed => "failed",
        }
        .to_owned(),
        network: p.network_name.clone(),
        plan: p.plan,
        value: p.amount.amount,
    }
}

/// A paid checkout's order, once placed: the checkout's reference stands for it (the
/// merchant's reports see one transaction per payment).
pub fn checkout_placed(view: &amigo_types::checkout::CheckoutView) -> LaterEvent {
    LaterEvent::OrderPlaced {
        reference: view.reference.clone(),
        items: order_items(&view.items),
        value: view.total.amount,
        shipping: view.delivery_fee.amount,
    }
}

fn order_items(items: &[amigo_types::orders::OrderItem]) -> Vec<Item> {
    items
        .iter()
        .map(|i| Item {
            item_id: i.product_id.to_string(),
            item_name: i.name.clone(),
            item_brand: None,
            item_category: None,
            price: i.unit_price.amount,
            quantity: i.quantity,
        })
        .collect()
}

/// The items of a cart, for checkout events.
pub fn cart_items(cart: &Cart) -> Vec<Item> {
    cart.lines()
        .iter()
        .map(|l| Item::of_line(l, l.quantity))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// An object written into a [`Sink`], as the page reads it.
    #[derive(Default)]
    pub(crate) struct Json(pub(crate) serde_json::Map<String, Value>);

    impl Sink for Json {
        fn text(&mut self, key: &'static str, value: &str) {
            self.0.insert(key.to_owned(), json!(value));
        }
        fn int(&mut self, key: &'static str, value: i64) {
            self.0.insert(key.to_owned(), json!(value));
        }
        fn list(&mut self, key: &'static str, len: usize, each: &dyn Fn(usize, &mut dyn Sink)) {
            let list = (0..len)
                .map(|n| {
                    let mut o = Json::default();
                    each(n, &mut o);
                    Value::Object(o.0)
                })
                .collect();
            self.0.insert(key.to_owned(), list);
        }
    }

    fn detail(e: &dyn Tell, store: &str) -> Value {
        let mut o = Json::default();
        e.detail(store, &mut o);
        Value::Object(o.0)
    }

    fn product(id: u64, price: i64) -> Product {
        crate::state::cart::tests::product(id, price, 9)
    }

    #[test]
    fn adding_changing_and_removing_lines_say_what_moved_and_the_cart_after() {
        let p = product(7, 1_000);
        let empty = Cart::default();
        let mut one = empty.clone();
        one.add(&p, 2).unwrap();
        let events = cart_events(&empty, &one, Some(&p));
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].name(), "amigo:add-to-cart");
        let d = detail(&events[0], "s1");
        assert_eq!(d["items"][0]["item_id"], "7");
        assert_eq!(d["items"][0]["item_brand"], p.brand.as_str());
        assert_eq!(d["items"][0]["item_category"], p.category.name.as_str());
        assert_eq!(d["items"][0]["quantity"], 2);
        assert_eq!(d["value"], 2_000);
        let change = detail(&events[1], "s1");
        assert_eq!(events[1].name(), "amigo:cart-change");
        assert_eq!(
            (change["lines"].clone(), change["count"].clone()),
            (json!(1), json!(2))
        );
        assert_eq!(change["subtotal"], 2_000);

        let mut fewer = one.clone();
        fewer.set_quantity(7, 1).unwrap();
        let events = cart_events(&one, &fewer, None);
        assert_eq!(events[0].name(), "amigo:remove-from-cart");
        assert_eq!(detail(&events[0], "s1")["items"][0]["quantity"], 1);

        let events = cart_events(&fewer, &empty, None);
        assert_eq!(events[0].name(), "amigo:remove-from-cart");
        assert_eq!(detail(&events[1], "s1")["count"], 0);
        assert!(cart_events(&one, &one, None).is_empty());
    }

    #[test]
    fn payments_and_data_purchases_have_one_key_per_outcome() {
        let paid = LaterEvent::Payment {
            reference: "CHK-A".into(),
            status: "paid".into(),
            method: "paystack".into(),
            value: 1,
        };
        assert_eq!(paid.once_key().as_deref(), Some("CHK-A:paid"));
        let delivered = LaterEvent::DataPurchase {
            reference: "AMG-DAT-1".into(),
            status: "delivered".into(),
            network: "MTN".into(),
            plan: 1,
            value: 1,
        };
        assert_eq!(delivered.once_key().as_deref(), Some("AMG-DAT-1:delivered"));
        assert!(StoreEvent::Ready.once_key().is_none());
        assert!(StoreEvent::CartChange(Vec::new()).once_key().is_none());
    }

    #[test]
    fn a_placed_checkout_tells_its_payment_as_paid() {
        use amigo_types::checkout::{CheckoutStatus, PaymentMethod};
        let mut v = crate::checkout::payment_status::tests::view(
            CheckoutStatus::Placed,
            PaymentMethod::Paystack,
        );
        let LaterEvent::Payment { status, .. } = checkout_payment(&v) else {
            panic!("a payment event");
        };
        assert_eq!(status, "paid");
        v.status = CheckoutStatus::Paid;
        assert_eq!(
            checkout_payment(&v).once_key(),
            Some(format!("{}:paid", v.reference))
        );
        v.status = CheckoutStatus::Expired;
        assert_eq!(
            checkout_payment(&v).once_key(),
            Some(format!("{}:expired", v.reference))
        );
    }

    #[test]
    fn every_detail_is_versioned_names_its_store_and_carries_no_personal_data() {
        let p = product(7, 1_000);
        let items = vec![Item::of_product(&p, 1)];
        let all: Vec<Box<dyn Tell>> = vec![
            Box::new(StoreEvent::Ready),
            Box::new(StoreEvent::ViewItem(items[0].clone())),
            Box::new(StoreEvent::ViewList(
                ItemList {
                    item_list_id: "category:audio".into(),
                    item_list_name: "Audio".into(),
                },
                items.clone(),
            )),
            Box::new(LaterEvent::BeginCheckout(items.clone())),
            Box::new(LaterEvent::AddShippingInfo {
                tier: "premium".into(),
                state: "Lagos".into(),
                lga: "Ikeja".into(),
                items: items.clone(),
            }),
            Box::new(LaterEvent::OrderPlaced {
                reference: "AMG-COM-1".into(),
                items: items.clone(),
                value: 3_500,
                shipping: 2_500,
            }),
            Box::new(LaterEvent::Payment {
                reference: "CHK-ABCDEFGHJK".into(),
                status: "paid".into(),
                method: "paystack".into(),
                value: 3_500,
            }),
            Box::new(LaterEvent::DataPurchase {
                reference: "AMG-DAT-1".into(),
                status: "delivered".into(),
                network: "MTN".into(),
                plan: 1001,
                value: 350,
            }),
            Box::new(StoreEvent::Error {
                scope: "catalog".into(),
                message: "Could not load products.".into(),
            }),
        ];
        for e in &all {
            assert!(e.name().starts_with("amigo:"));
            let d = detail(e.as_ref(), "shop-1");
            assert_eq!(d["version"], EVENTS_VERSION, "{}", e.name());
            assert_eq!(d["store"], "shop-1");
            let text = d.to_string();
            for personal in ["phone", "email", "address", "customer", "mobile"] {
                assert!(!text.contains(personal), "{personal} in {text}");
            }
        }
        let placed = detail(all[5].as_ref(), "shop-1");
        assert_eq!(placed["transaction_id"], "AMG-COM-1");
        assert_eq!(placed["items"][0]["item_brand"], p.brand.as_str());
    }
}
