//! The table of every text a shopper reads: one name per text (the key a merchant's
//! `data-wording` uses) and its English. Built by one macro, so the names, the English and the
//! key set cannot drift apart; `{name}` marks a value filled in when shown ([`Wording::fill`]).
//!
//! The texts come in two enums. [`Text`]: what the first-load module shows (browsing, the cart's
//! announcements, errors any read can show). [`Later`]: what only the later modules show
//! (checkout, paying, the order placed and its tracking). Each has its own English array, read
//! only through its own [`Key`] impl, so wasm-split leaves `Later`'s English in the modules that
//! show it instead of the first load (the merchant's overrides and the built-in languages are
//! kept per text, so they need no English table).

use super::custom::Wording;

/// A text of either enum: its slot in a store's table, its name and its English.
pub trait Key: Copy {
    /// Its place among every text ([`Text`]s first, then [`Later`]s).
    fn slot(self) -> usize;
    /// Its English.
    fn english(self) -> &'static str;
}

macro_rules! texts {
    (first { $($key:ident = $en:literal;)* } later { $($lkey:ident = $len:literal;)* }) => {
        /// A text the first-load module shows. Its name (the variant's, in `snake_case`) is the
        /// key of `data-wording` and of the built-in languages' tables.
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

        /// A text only the later modules (checkout, paying, tracking) show; named like [`Text`].
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Later {
            $(
                #[doc = $len]
                $lkey,
            )*
        }

        /// Every name, each followed by a space, `Text`'s then `Later`'s. Natively only: the
        /// shipped widget gets its texts by slot from the loader's wording module
        /// (`loader/wording.js`, whose copy of the names a test keeps current), so the first
        /// load carries no names.
        #[cfg(not(target_arch = "wasm32"))]
        const NAMES: &str = concat!($(stringify!($key), " ",)* $(stringify!($lkey), " ",)*);

        /// How many [`Text`]s there are.
        pub(crate) const FIRST_COUNT: usize = [$(stringify!($key),)*].len();

        /// How many texts there are in all.
        pub const COUNT: usize = FIRST_COUNT + [$(stringify!($lkey),)*].len();

        /// `Text`'s English, one after another: one string and a table of where each ends is
        /// a third of the first load's bytes that a table of `&str`s (a pointer and a length
        /// each) would be.
        const FIRST_ENGLISH: &str = concat!($($en,)*);
        const FIRST_ENDS: [u16; FIRST_COUNT + 1] = ends([$($en.len(),)*]);

        impl Key for Text {
            fn slot(self) -> usize {
                self as usize
            }
            fn english(self) -> &'static str {
                nth(FIRST_ENGLISH, &FIRST_ENDS, self as usize)
            }
        }

        impl Key for Later {
            fn slot(self) -> usize {
                FIRST_COUNT + self as usize
            }
            fn english(self) -> &'static str {
                // only reached from the later modules: wasm-split moves these there
                const LATER_ENGLISH: &str = concat!($($len,)*);
                const LATER_ENDS: [u16; COUNT - FIRST_COUNT + 1] = ends([$($len.len(),)*]);
                nth(LATER_ENGLISH, &LATER_ENDS, self as usize)
            }
        }

        /// Every text, in slot order (for the tests of the joined English).
        #[cfg(all(test, not(target_arch = "wasm32")))]
        const EVERY: ([Text; FIRST_COUNT], [Later; COUNT - FIRST_COUNT]) =
            ([$(Text::$key,)*], [$(Later::$lkey,)*]);

        /// The English of the text in `slot` (every text, for the checks of a whole table and
        /// the loader's placeholder list; the shipped widget reads English through
        /// [`Key::english`] only).
        #[cfg(not(target_arch = "wasm32"))]
        pub(crate) fn english_of(slot: usize) -> &'static str {
            const ALL: [&str; COUNT] = [$($en,)* $($len,)*];
            ALL[slot]
        }
    };
}

/// Where each of `N` texts of these lengths starts in their concatenation, and where the last
/// one ends: `N + 1` offsets (the build stops if the texts outgrow `u16`).
const fn ends<const N: usize, const M: usize>(lens: [usize; N]) -> [u16; M] {
    assert!(M == N + 1);
    let mut out = [0u16; M];
    let mut at = 0;
    let mut i = 0;
    while i < N {
        at += lens[i];
        assert!(
            at <= u16::MAX as usize,
            "the texts outgrow their u16 offsets"
        );
        out[i + 1] = at as u16;
        i += 1;
    }
    out
}

/// The `i`th of the texts `joined` holds, `ends` saying where each starts ([`ends`]).
fn nth(joined: &'static str, ends: &[u16], i: usize) -> &'static str {
    match (ends.get(i), ends.get(i + 1)) {
        (Some(&a), Some(&b)) => joined
            .get(usize::from(a)..usize::from(b))
            .unwrap_or_default(),
        _ => "",
    }
}

/// The name of the text in `slot`, as `data-wording` spells it (`add_to_cart`).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn name_of(slot: usize) -> &'static str {
    NAMES.split(' ').nth(slot).unwrap_or_default()
}

/// The slot of the text a name stands for, if any.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn slot_of(name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    NAMES
        .split(' ')
        .position(|n| n == name)
        .filter(|i| *i < COUNT)
}

/// The English table, the default: every text as written here.
pub static ENGLISH: Wording = Wording([None; COUNT]);

texts! {
    first {
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
    later {
        // the product page and the cart (their module is fetched later), and what several later
        // modules share
        try_again = "Try again";
        all_products_back = "← All products";
        product_gone = "This product is no longer available.";
        show_image = "Show image {n} of {count}";
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
        // checkout: the fields and their errors
        fix_one_field = "Please fix the highlighted field.";
        fix_fields = "Please fix the {n} highlighted fields.";
        name_required = "Enter your full name.";
        name_too_long = "Your name can be at most {n} characters.";
        phone_required = "Enter your mobile number so the rider can reach you.";
        phone_characters = "A phone number can only contain digits, spaces, dashes and a leading +.";
        phone_length = "Enter an 11-digit mobile number such as 0803 123 4567.";
        phone_not_nigerian = "That is not a Nigerian mobile number (they start 070, 080, 081, 090 or 091).";
        email_invalid = "Enter an email address like name@example.com, or leave it blank.";
        address_required = "Enter the street address for delivery.";
        address_too_long = "The address can be at most {n} characters.";
        notes_too_long = "Notes can be at most {n} characters.";
        location_required = "Choose your delivery area: type your LGA or state and pick it from the list.";
        phone_network_hint = "Looks like a {network} number (from its prefix). We'll call or text it about delivery.";
        phone_example_hint = "e.g. 0803 123 4567 or +234 803 123 4567. We'll call or text it about delivery.";
        // checkout: what the store answered
        refused_name = "Check your name: it is required and can be at most 120 characters.";
        refused_phone = "Check your mobile number, e.g. 0803 123 4567.";
        refused_email = "Check your email address, or leave it blank.";
        refused_address = "Check the delivery address: it is required.";
        refused_notes = "Shorten the delivery notes.";
        refused_location = "We couldn't find that delivery area. Choose your LGA again from the list.";
        refused_tier = "Choose Standard or Premium delivery.";
        refused_items = "Something in your cart is no longer sold. Review your cart and try again.";
        order_network = "We couldn't reach the store. Check your connection and try again — you won't be charged twice.";
        bad_return_url = "This page can't take payments for the store: its address isn't one the store allows. Please tell the store.";
        order_server_error = "The store had a problem placing your order. Try again — you won't be charged twice.";
        order_refused = "The store refused the order (HTTP {status}).";
        order_unserviceable = "Some items in your cart can't be delivered to this area. Remove them or choose another area.";
        order_sold_out = "Some items sold out while you were checking out. We've updated your cart: review it and try again.";
        store_unavailable = "This store can't take this order right now. Please try again later.";
        store_busy = "The store is busy. Trying again in {seconds} s with the same order — you won't be charged twice.";
        order_changed = "Your order changed while it was being placed (perhaps in another tab). Check the details and place it again.";
        wait_for_prices = "Wait for the delivery prices, then place your order.";
        // checkout: paying
        payment_checking = "One moment: we are checking how this store takes payment.";
        payment_check_failed = "We couldn't check how this store takes payment, so nothing was sent. Check your connection and retry.";
        starting_payment = "Starting your payment…";
        pay_amount = "Pay {amount}";
        pay = "Pay";
        place_order_transfer = "Place order, pay by transfer";
        placing_order = "Placing your order…";
        place_order = "Place order";
        fine_print_paystack = "You pay on Paystack's secure page, then come back here to follow your order. You won't be charged twice: trying again continues the same payment.";
        fine_print_transfer = "Next you get the store's bank details. The store places your order once it sees your transfer.";
        fine_print_order = "You won't be charged twice: if the connection drops, trying again places the same order.";
        // checkout: the form
        step_details = "1. Your details";
        full_name = "Full name";
        mobile_number = "Mobile number";
        email = "Email";
        optional = "(optional)";
        step_address = "2. Delivery address";
        street_address = "Street address";
        rider_notes = "Notes for the rider";
        delivery_area = "Delivery area (LGA and state)";
        delivery_area_hint = "Type your Local Government Area or your state, then choose it from the list.";
        showing_lgas_in = "Showing LGAs in {state}.";
        search_all_states = "Search all states";
        area_placeholder = "e.g. Zaria or Ikeja";
        type_lga_in = "Type an LGA in {state}";
        places = "Places";
        choose_an_lga = "choose an LGA";
        looking_up_places = "Looking up places…";
        no_places = "No matching places. Check the spelling or type your state.";
        one_place = "1 place found. Use the arrow keys to choose.";
        places_found = "{n} places found. Use the arrow keys to choose.";
        places_failed = "We couldn't look up places.";
        step_delivery = "3. Delivery option";
        choose_area_for_prices = "Choose your delivery area to see delivery prices.";
        getting_prices = "Getting delivery prices…";
        quote_failed = "We couldn't get delivery prices.";
        cant_deliver_to = "Some items can't be delivered to {place}.";
        remove_from_order = "Remove {name} from the order";
        or_another_area = "Or choose another delivery area.";
        standard_delivery = "Standard delivery";
        premium_delivery = "Premium home delivery";
        free_delivery = "Free delivery";
        free = "Free";
        item_number = "Item #{id}";
        one_day = "1 day";
        days = "{n} days";
        days_range = "{min}–{max} days";
        arrives_in = "Arrives in {eta}";
        breakdown_caption = "Delivery is charged once per shipping group";
        breakdown_group = "Group";
        standard = "Standard";
        premium = "Premium";
        breakdown_arrives = "Arrives in";
        step_review = "4. Review and place order";
        items = "Items";
        stock_changed = "Stock changed: only {n} left";
        delivery = "Delivery";
        total = "Total";
        // the order placed, and its tracking
        order_placed_title = "Thank you — your order is placed";
        order_reference = "Order reference:";
        items_ordered = "Items ordered";
        total_paid = "Total paid";
        delivery_to = "{tier} to {place}";
        arriving_in = ", arriving in {eta}";
        what_next = "What happens next";
        next_store_accepts = "The store accepts your order and prepares your items.";
        next_rider_calls = "The rider calls or texts {phone} when your order ships.";
        next_follow = "Follow every step on the tracking page — it updates by itself.";
        track_order = "Track your order";
        order_title = "Order {reference}";
        progress = "Progress";
        order_progress = "Order progress";
        tracking_live = "Live: this page updates by itself.";
        tracking_polling = "Checking for updates every few seconds.";
        order_not_found = "We couldn't find an order with that reference and phone number.";
        order_load_failed = "We couldn't load your order. We'll keep trying.";
        status_placed = "Order placed";
        status_accepted = "Accepted";
        status_shipped = "Shipped";
        status_delivered = "Delivered";
        status_cancelled = "Cancelled";
        status_placed_detail = "We have your order and it is paid.";
        status_accepted_detail = "The store is preparing your items.";
        status_shipped_detail = "Your order is on its way.";
        status_delivered_detail = "Your order has arrived.";
        status_cancelled_detail = "This order was cancelled and refunded.";
        cancelled_reason = "{detail} Reason: {reason}";
        // paying: the checkout's own page (Paystack, bank transfer)
        awaiting_payment = "Awaiting payment";
        goal_order = "place your order";
        goal_data = "get your data";
        store_does_order = "The store places your order";
        store_does_data = "The store sends your data";
        paid_title_order = "Paid — placing your order";
        paid_title_data = "Paid — buying your data";
        paid_doing_order = "placing your order with the store";
        paid_doing_data = "buying your data";
        placed_title_order = "Paid — your order is placed";
        placed_title_data = "Paid — your data is on its way";
        placed_next_order = "Follow your order below.";
        placed_next_data = "Follow your top-up below.";
        expired_tail_order = "no order was placed. Your cart is still here: you can check out again.";
        expired_tail_data = "no data was bought. You can buy it again.";
        failed_title_order = "Order not placed";
        failed_title_data = "Data not bought";
        failed_default_order = "The store couldn't place your order.";
        failed_default_data = "The store couldn't buy your data.";
        pay_on_paystack = "Pay {total} on Paystack's secure page to {goal}. If you have just paid, this page updates by itself. Unpaid, it expires on {expires}.";
        transfer_exactly = "Transfer exactly {total} to the account below, with the reference in the narration. {store_does} once it confirms your transfer; this page updates by itself. Unpaid, it expires on {expires}.";
        waiting_for_payment = "The store is waiting for your payment of {total}. Unpaid, it expires on {expires}.";
        paid_detail = "We have your payment of {total} and are {doing}. This takes a moment; this page updates by itself.";
        placed_detail = "You paid {total}. {next}";
        payment_expired = "Payment expired";
        expired_detail = "Nobody paid in time, so nothing was charged and {tail}";
        failed_transfer_detail = "{reason} The store will return your transfer of {total}; contact it with reference {reference}.";
        failed_detail = "{reason} If you were charged, the store returns your {total}; contact it with reference {reference}.";
        refunded = "Refunded";
        refunded_detail = "{reason} Refund of {total} sent: it reaches your card or account within a few working days.";
        checkout_unreadable = "The store sent an answer we can't show. We'll keep trying.";
        checkout_not_found = "We couldn't find a checkout with that reference and phone number.";
        checkout_load_failed = "We couldn't load your checkout. We'll keep trying.";
        checkout_title = "Checkout {reference}";
        your_data = "Your data";
        plan = "Plan";
        line = "Line";
        paid_data_note = "Paid {total} — your data is on its way (checkout {reference}).";
        paid_order_note = "Paid — your order is placed (checkout {reference}).";
        buy_data_again = "Buy data again";
        check_out_again = "Check out again";
        loading_your_checkout = "Loading your checkout…";
        find_phone_hint = "The number you gave at checkout (for data, the number topped up).";
        show_my_checkout = "Show my checkout";
        order_awaits_payment = "Your order awaits payment";
        checkout_reference = "Checkout reference:";
        open_your_checkout = "Open your checkout to pay, see the store's bank details or follow your order. If you have already paid, it shows there within a minute.";
        go_to_checkout = "Go to your checkout";
        check_out_again_hint = "Check out again only if you have not paid: an unpaid checkout expires by itself.";
        bank_details = "Bank transfer details";
        account_name = "Account name";
        bank = "Bank";
        account_number = "Account number";
        amount = "Amount";
        narration = "Reference (narration)";
        copy = "Copy";
        copy_item = "Copy {label}";
        copied = "{label} copied.";
        copy_failed = "Couldn't copy the {label}: select it and copy it.";
        // Buy data: the form
        phone_to_top_up = "Phone number to top up";
        network_number = "{network} number";
        ported_hint = "Ported: choose the network below.";
        network_from_number = "We read the network from the number.";
        number_ported = "This number was ported to another network";
        network_now = "Network it is on now";
        plans = "Plans";
        network_plans = "{network} plans";
        data_sales_off = "This store does not sell mobile data right now.";
        plans_failed = "We couldn't load the plans.";
        enter_phone_for_plans = "Enter the phone number to see its plans.";
        no_plans = "No plans are offered for this network right now.";
        daily = "Daily";
        weekly = "Weekly";
        monthly = "Monthly";
        excellent = "Excellent";
        poor = "Poor";
        delivered_rate = "{score}% delivered";
        delivery_rate_unknown = "Delivery rate unknown";
        less_reliable_count = "Less reliable plans ({n})";
        less_reliable = "Less reliable plans";
        less_reliable_warning = "These plans have often failed to deliver lately. If one fails you are refunded, but your line is not topped up.";
        buying = "Buying…";
        getting_bank_details = "Getting the bank details…";
        buy_by_transfer = "Buy, pay by transfer";
        buy_plan = "Buy {capacity} for {price}";
        topup_fine_print_paystack = "You pay on Paystack's secure page, then come back here to follow your top-up. You won't be charged twice: trying again continues the same payment.";
        topup_fine_print_transfer = "Next you get the store's bank details. The store sends your data once it sees your transfer.";
        topup_fine_print = "You won't be charged twice: if the connection drops, trying again makes the same purchase.";
        // Buy data: what is wrong, and what the store answered
        topup_phone_required = "Enter the phone number to top up.";
        choose_ported_network = "Choose the network this number is on now.";
        network_unknown = "We don't recognise this number's network. If it was ported, turn on \"This number was ported\" and choose the network.";
        choose_plan = "Choose a plan.";
        topup_rate_limited_minutes = "This number has had several top-ups recently. Try again in about {minutes} minutes.";
        topup_rate_limited = "Too many attempts. Try again in {seconds} s.";
        topup_refused_phone = "Check the phone number: an 11-digit Nigerian mobile number such as 0803 123 4567.";
        network_mismatch = "This number belongs to another network. If it was ported, turn on \"This number was ported\" and choose its network.";
        topup_invalid_network = "Choose the number's network.";
        plan_gone = "That plan is no longer offered for this network. Choose another plan.";
        data_sold_out_today = "This store has sold all the data it sells today. Please try again tomorrow.";
        data_unavailable = "This store can't sell data right now. You have not been charged.";
        no_data_sales = "This store does not sell mobile data.";
        topup_checkouts_disabled = "This store can't take payments right now, so nothing was bought. Please try again later.";
        topup_payment_required = "This store now takes payment before a top-up. Reload the page to pay first; nothing was bought.";
        topup_payment_unavailable = "We couldn't start your payment. Try again — you won't be charged twice.";
        topup_key_reused = "Your earlier attempt was for a different plan. Press Buy again to buy this one.";
        topup_server_error = "The store had a problem buying your data. Try again — you won't be charged twice.";
        topup_refused = "The store refused the purchase (HTTP {status}).";
        // Buy data: the purchase and its outcome
        topping_up = "Topping up…";
        topup_processing = "Your network is crediting the line. This usually takes under a minute.";
        topup_delivered_title = "{capacity} is on {number}";
        topup_delivered = "Delivered. Enjoy your data.";
        topup_failed_title = "The top-up failed";
        topup_failed_paid = "The network couldn't deliver this plan. Your line was not topped up, so the store returns your payment (checkout {reference}).";
        network_refused = "The network refused it";
        topup_refunded = "{reason}. {amount} has been refunded.";
        reference = "Reference";
        paid = "Paid";
        buy_more_data = "Buy more data";
        topup_not_found = "We couldn't find this top-up yet. We'll keep trying.";
        topup_load_failed = "We couldn't load your top-up. We'll keep trying.";
        data_awaits_payment = "Your data awaits payment";
        open_data_checkout = "Open your checkout to pay or see the store's bank details. Once it is paid, the store buys your data and the checkout shows it.";
        buy_again = "Buy again";
        buy_again_hint = "Buy again only if you have not paid: an unpaid checkout expires by itself.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `english_of` (every text's English as its own literal) is native only
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_joined_english_gives_each_text_its_own() {
        let (first, later) = EVERY;
        for t in first {
            assert_eq!(t.english(), english_of(t.slot()), "{t:?}");
        }
        for t in later {
            assert_eq!(t.english(), english_of(t.slot()), "{t:?}");
        }
        assert_eq!(first[0].english(), "Shop");
        assert_eq!(later.len(), COUNT - FIRST_COUNT);
    }

    #[test]
    fn a_slot_past_the_end_is_empty_not_a_panic() {
        let ends: [u16; 3] = ends([2, 3]);
        assert_eq!(ends, [0, 2, 5]);
        assert_eq!(nth("abcde", &ends, 0), "ab");
        assert_eq!(nth("abcde", &ends, 1), "cde");
        assert_eq!(nth("abcde", &ends, 2), "");
    }
}
