/* The store's wording, checked by name, handed over by slot. The loader imports this module only
 * for data-lang="pcm" or a data-wording, so a store in English downloads neither it nor the
 * names it holds (src/wording/custom.rs says why the names are not in the wasm).
 *
 * words(pcm, wording) -> [texts, refused]
 *   pcm      the built-in Pidgin table (an object of every text name to its text), or null
 *   wording  data-wording as written (a JSON object of text names to strings), or ""
 *   texts    every text in slot order, separated by U+001F, "" where the English stays (what
 *            the store's Wording::from_slots reads); "" when nothing changes
 *   refused  why the store must not start (the configuration error it shows), or ""
 *
 * A merchant's text may leave out a placeholder its English has ("{name} removed from cart" as
 * "Removed"), but may not use one it lacks: "{count}" would show as written. */

// ---- generated: names
var NAMES = "shop buy_data cart_link cart_link_items cart_now_empty cart_updated in_cart in_cart_most removed_from_cart price_changed quantity_lowered no_longer_available cart_out_of_stock cart_too_many_lines cart_quantity_too_low cart_no_such_line network_error unexpected_response retry categories_label all_categories carousel_previous carousel_next products_label showing_count loading_more load_more search_label search_placeholder brand_label all_brands sort_label sort_newest sort_price_low sort_price_high sort_name in_stock_only no_match no_products clear_filters add_to_cart adding out_of_stock only_left in_stock was_price rated loading_product product_missing loading_cart cart_missing loading_checkout checkout_missing loading_order loading_plans data_missing try_again all_products_back product_gone show_image your_cart cart_changed cart_empty start_shopping subtotal checking_prices delivery_at_checkout checkout continue_shopping_back continue_shopping each remove remove_from_cart_label decrease_quantity increase_quantity quantity_of fix_one_field fix_fields name_required name_too_long phone_required phone_characters phone_length phone_not_nigerian email_invalid address_required address_too_long notes_too_long location_required phone_network_hint phone_example_hint refused_name refused_phone refused_email refused_address refused_notes refused_location refused_tier refused_items order_network bad_return_url order_server_error order_refused order_unserviceable order_sold_out store_unavailable store_busy order_changed wait_for_prices payment_checking payment_check_failed starting_payment pay_amount pay place_order_transfer placing_order place_order fine_print_paystack fine_print_transfer fine_print_order step_details full_name mobile_number email optional step_address street_address rider_notes delivery_area delivery_area_hint showing_lgas_in search_all_states area_placeholder type_lga_in places choose_an_lga looking_up_places no_places one_place places_found places_failed step_delivery choose_area_for_prices getting_prices quote_failed cant_deliver_to remove_from_order or_another_area standard_delivery premium_delivery free_delivery free item_number one_day days days_range arrives_in breakdown_caption breakdown_group standard premium breakdown_arrives step_review items stock_changed delivery total order_placed_title order_reference items_ordered total_paid delivery_to arriving_in what_next next_store_accepts next_rider_calls next_follow track_order order_title progress order_progress tracking_live tracking_polling order_not_found order_load_failed status_placed status_accepted status_shipped status_delivered status_cancelled status_placed_detail status_accepted_detail status_shipped_detail status_delivered_detail status_cancelled_detail cancelled_reason awaiting_payment goal_order goal_data store_does_order store_does_data paid_title_order paid_title_data paid_doing_order paid_doing_data placed_title_order placed_title_data placed_next_order placed_next_data expired_tail_order expired_tail_data failed_title_order failed_title_data failed_default_order failed_default_data pay_on_paystack transfer_exactly waiting_for_payment paid_detail placed_detail payment_expired expired_detail failed_transfer_detail failed_detail refunded refunded_detail checkout_unreadable checkout_not_found checkout_load_failed checkout_title your_data plan line paid_data_note paid_order_note buy_data_again check_out_again loading_your_checkout find_phone_hint show_my_checkout order_awaits_payment checkout_reference open_your_checkout go_to_checkout check_out_again_hint bank_details account_name bank account_number amount narration copy copy_item copied copy_failed phone_to_top_up network_number ported_hint network_from_number number_ported network_now plans network_plans data_sales_off plans_failed enter_phone_for_plans no_plans daily weekly monthly excellent poor delivered_rate delivery_rate_unknown less_reliable_count less_reliable less_reliable_warning buying getting_bank_details buy_by_transfer buy_plan topup_fine_print_paystack topup_fine_print_transfer topup_fine_print topup_phone_required choose_ported_network network_unknown choose_plan topup_rate_limited_minutes topup_rate_limited topup_refused_phone network_mismatch topup_invalid_network plan_gone data_sold_out_today data_unavailable no_data_sales topup_checkouts_disabled topup_payment_required topup_payment_unavailable topup_key_reused topup_server_error topup_refused topping_up topup_processing topup_delivered_title topup_delivered topup_failed_title topup_failed_paid network_refused topup_refunded reference paid buy_more_data topup_not_found topup_load_failed data_awaits_payment open_data_checkout buy_again buy_again_hint".split(" ");
var HOLES = "|||||changes|n name|n name|name|name now was|n name|name|name|n||||status||||name|name||shown total|||||||||||||||||||n|||count value|||||||||||||count n|||||||||||price||name|name|name|name||n||n|||||||n|n||network|||||||||||||status||||seconds||||||amount||||||||||||||||||state|||state||||||n||||||place|name||||||id||n|max min|eta||||||||n|||||||place tier|eta|||phone|||reference|||||||||||||||||detail reason||||||||||||||||||||expires goal total|expires store_does total|expires total|doing total|next total||tail|reason reference total|reason reference total||reason total||||reference||||reference total|reference||||||||||||||||||label|label|label||network||||||network||||||||||score||n||||||capacity price||||||||minutes|seconds|||||||||||||status|||capacity number|||reference||amount reason|||||||||".split("|");
// ---- end of generated

var SEP = "\u001f";

// The `{name}` placeholders a text uses.
function holes(text) {
  var out = [];
  text.replace(/\{([^{}]*)\}/g, function (_, name) { out.push(name); return ""; });
  return out;
}

// Puts `table` (name -> text) into `slots`; the first refusal, worded after `what`, or "".
function apply(slots, table, what, complete) {
  if (!table || typeof table !== "object" || Array.isArray(table)) return what + " is not a JSON object of text names to strings";
  var keys = Object.keys(table);
  for (var i = 0; i < keys.length; i++) {
    var name = keys[i];
    var slot = NAMES.indexOf(name);
    if (slot < 0) return what + " has an unknown text name \"" + name.slice(0, 40) + "\"";
    var text = table[name];
    if (typeof text !== "string" || !text.trim()) return what + " \"" + name + "\" must be a non-empty string";
    if (text.indexOf(SEP) >= 0) return what + " \"" + name + "\" holds the control character U+001F";
    var allowed = HOLES[slot] ? HOLES[slot].split(" ") : [];
    var used = holes(text);
    for (var h = 0; h < used.length; h++) {
      if (allowed.indexOf(used[h]) < 0) {
        return what + " \"" + name + "\" uses {" + used[h] + "}, which that text does not have" +
          (allowed.length ? " (it has {" + allowed.join("}, {") + "})" : "");
      }
    }
    slots[slot] = text;
  }
  if (complete) {
    for (var s = 0; s < NAMES.length; s++) if (!slots[s]) return what + " lacks \"" + NAMES[s] + "\"";
  }
  return "";
}

export function words(pcm, wording) {
  var slots = NAMES.map(function () { return ""; });
  var refused = pcm ? apply(slots, pcm, "the built-in \"pcm\" wording", true) : "";
  if (!refused && wording) {
    var table;
    try {
      table = JSON.parse(wording);
    } catch (e) {
      return ["", "data-wording is not a JSON object of text names to strings (" + String(e.message).slice(0, 80) + ")"];
    }
    refused = apply(slots, table, "data-wording", false);
  }
  return refused ? ["", refused] : [slots.join(SEP), ""];
}
