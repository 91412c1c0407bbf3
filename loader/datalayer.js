/* data-analytics="datalayer": GA4's recommended ecommerce events pushed to window.dataLayer, made
 * from the store's amigo:* events (README "Events and API"). The loader imports this module only
 * for that attribute, and mounts the store only once it is here, so no event comes before its
 * listener. */

var GA4 = {
  "view-item": "view_item", "view-list": "view_item_list", "add-to-cart": "add_to_cart",
  "remove-from-cart": "remove_from_cart", "begin-checkout": "begin_checkout",
  "add-shipping-info": "add_shipping_info", "order-placed": "purchase"
};

export function datalayer(host) {
  Object.keys(GA4).forEach(function (name) {
    host.addEventListener("amigo:" + name, function (e) {
      var d = Object.assign({}, e.detail);
      // ours, not GA4's: the event's version and store, and the area (GA4 has no field for it)
      delete d.version; delete d.store; delete d.state; delete d.lga;
      if (!Array.isArray(window.dataLayer)) window.dataLayer = [];
      // {ecommerce: null} first clears the previous event's items, as GA4's guide asks
      window.dataLayer.push({ ecommerce: null });
      window.dataLayer.push({ event: GA4[name], ecommerce: d });
    });
  });
}
