//! The table of every text a shopper reads: one name per text (the key a merchant's
//! `data-wording` uses) and its English. Built by one macro, so the names, the English and the
//! key set cannot drift apart; `{name}` marks a value filled in when shown ([`Wording::fill`]).

use super::custom::Wording;

macro_rules! texts {
    ($($key:ident = $en:literal;)*) => {
        /// One text a shopper reads. Its name (the variant's, in `snake_case`) is the key of
        /// `data-wording` and of the built-in languages' tables.
        // snake_case so the variant is spelled exactly as the merchant's JSON key
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Text {
            $(
                #[doc = $en]
                $key,
            )*
        }

        const NAMES: [&str; COUNT] = [$(stringify!($key),)*];

        impl Text {
            /// Every text, in table order.
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];
        }

        /// The English table, the default.
        pub static ENGLISH: Wording = Wording([$($en,)*]);
    };
}

/// How many texts there are.
pub const COUNT: usize = Text::ALL.len();

impl Text {
    /// The text's name, as `data-wording` spells it (`add_to_cart`).
    pub fn name(self) -> &'static str {
        NAMES[self as usize]
    }

    /// The text a name stands for, if any.
    pub fn from_name(name: &str) -> Option<Text> {
        NAMES.iter().position(|n| *n == name).map(|i| Text::ALL[i])
    }
}

texts! {
    // the top bar and the cart announcements
    shop = "Shop";
    buy_data = "Buy data";
    cart_link = "Cart";
    cart_link_items = "items";
    cart_now_empty = "Your cart is now empty.";
    cart_updated = "Your cart was updated: {changes}";
    in_cart = "{name}: {n} in cart";
    in_cart_most = "{name}: {n} in cart, the most available";
    removed_from_cart = "{name} removed from cart";
    price_changed = "{name}: price changed from {was} to {now}";
    quantity_lowered = "{name}: only {n} left, quantity lowered";
    no_longer_available = "{name} is no longer available and was removed";
    cart_out_of_stock = "{name} is out of stock";
    cart_too_many_lines = "Your cart can hold at most {n} different items";
    cart_quantity_too_low = "Quantity must be at least 1";
    cart_no_such_line = "That item is no longer in your cart";
    // errors any read can show
    network_error = "We couldn't reach the store. Check your connection and try again.";
    unexpected_response = "The store sent an unexpected response (HTTP {status}).";
    retry = "Retry";
    try_again = "Try again";
    // the browse view
    categories_label = "Product categories";
    all_categories = "All";
    carousel_previous = "Previous {name}";
    carousel_next = "Next {name}";
    products_label = "Products";
    showing_count = "Showing {shown} of {total} products";
    loading_more = "Loading…";
    load_more = "Load more";
    search_label = "Search products";
    search_placeholder = "Power banks, earbuds…";
    brand_label = "Brand";
    all_brands = "All brands";
    sort_label = "Sort by";
    sort_newest = "Newest";
    sort_price_low = "Price: low to high";
    sort_price_high = "Price: high to low";
    sort_name = "Name: A to Z";
    in_stock_only = "In stock only";
    no_match = "No products match these filters.";
    no_products = "No products to show yet.";
    clear_filters = "Clear filters";
    // a product card and the product page
    add_to_cart = "Add to cart";
    adding = "Adding…";
    out_of_stock = "Out of stock";
    only_left = "Only {n} left";
    in_stock = "In stock";
    was_price = "Was";
    rated = "Rated {value} out of 5 from {count} ratings";
    all_products_back = "← All products";
    product_gone = "This product is no longer available.";
    show_image = "Show image {n} of {count}";
    // the cart
    your_cart = "Your cart";
    cart_changed = "Some items changed since you added them:";
    cart_empty = "Your cart is empty.";
    start_shopping = "Start shopping";
    subtotal = "Subtotal";
    checking_prices = "Checking prices and stock…";
    delivery_at_checkout = "Delivery is calculated at checkout.";
    checkout = "Checkout";
    continue_shopping_back = "← Continue shopping";
    continue_shopping = "Continue shopping";
    each = "{price} each";
    remove = "Remove";
    remove_from_cart_label = "Remove {name} from cart";
    decrease_quantity = "Decrease quantity of {name}";
    increase_quantity = "Increase quantity of {name}";
    quantity_of = "Quantity of {name}";
    // the split modules downloading
    loading_product = "Loading the product…";
    product_missing = "The product page could not be downloaded. Check your connection and retry.";
    loading_cart = "Loading your cart…";
    cart_missing = "The cart could not be downloaded. Check your connection and retry.";
    loading_checkout = "Loading checkout…";
    checkout_missing = "Checkout could not be downloaded. Check your connection and retry.";
    loading_order = "Loading your order…";
    loading_plans = "Loading plans…";
    data_missing = "Buy data could not be downloaded. Check your connection and retry.";
}
