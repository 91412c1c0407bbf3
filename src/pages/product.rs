//! The product page: gallery, description, price, rating, stock, a quantity stepper
//! (1..=min(stock, 1000)) and "Add to cart".

use amigo_types::catalog::Product;
use leptos::prelude::*;

use crate::components::error_state::ErrorState;
use crate::components::link::StoreLink;
use crate::components::price::{PriceTag, RatingTag, StockBadge};
use crate::components::stepper::QuantityStepper;
use crate::state::cart::max_quantity_for_stock;
use crate::state::route::Route;
use crate::state::shop::Shop;
use crate::wording::{Later, Text, words};

/// One product, read by slug.
#[component]
pub fn ProductPage(
    /// The product's slug.
    slug: String,
) -> impl IntoView {
    let client = expect_context::<Shop>().client;
    let w = words();
    let product = LocalResource::new(move || {
        let client = client.clone();
        let slug = slug.clone();
        async move { client.product(&slug).await }
    });
    view! {
        <div class="page product-page">
            <StoreLink to=Route::default() class="back">{w.get(Later::all_products_back)}</StoreLink>
            {move || match product.get() {
                None => view! { <div class="detail skeleton" aria-busy="true"><span class="img-box big"></span></div> }.into_any(),
                Some(Err(e)) => view! {
                    <ErrorState message=e.text(w) on_retry=Callback::new(move |()| product.refetch())/>
                }.into_any(),
                Some(Ok(None)) => view! {
                    <div class="state empty"><p>{w.get(Later::product_gone)}</p></div>
                }.into_any(),
                Some(Ok(Some(p))) => view! { <ProductDetail product=p/> }.into_any(),
            }}
        </div>
    }
}

/// The loaded product.
#[component]
fn ProductDetail(product: Product) -> impl IntoView {
    let cart = expect_context::<Shop>().cart;
    let w = words();
    crate::events_dom::Events::from_context().emit(&crate::events::StoreEvent::ViewItem(
        crate::events::Item::of_product(&product, 1),
    ));
    let images: Vec<String> = product.images.iter().map(|i| i.url.clone()).collect();
    let count = images.len();
    let selected = RwSignal::new(0usize);
    let main_images = images.clone();
    let max = max_quantity_for_stock(product.stock.count);
    let quantity = RwSignal::new(1u32);
    let name = product.name.clone();
    let alt = product.name.clone();
    let description = product.description.clone();
    let price = product.price.clone();
    let rating = product.rating;
    let stock = product.stock;
    let category = product.category.name.clone();
    let stepper_label = product.name.clone();
    let add = move |_| cart.add(&product, quantity.get_untracked());
    view! {
        <article class="detail">
            <div class="gallery">
                <span class="img-box big">
                    {move || main_images.get(selected.get()).cloned().map(|src| view! {
                        <img src=src alt=alt.clone() width="480" height="480" decoding="async"/>
                    })}
                </span>
                {(count > 1).then(|| view! {
                    <ul class="thumbs">
                        {images.into_iter().enumerate().map(|(i, src)| view! {
                            <li>
                                <button class="thumb" aria-label=w.fill(Later::show_image, &[("n", &(i + 1).to_string()), ("count", &count.to_string())])
                                    aria-pressed=move || (selected.get() == i).to_string()
                                    on:click=move |_| selected.set(i)>
                                    <img src=src alt="" width="64" height="64" loading="lazy"/>
                                </button>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
            <div class="info">
                <p class="eyebrow">{category}</p>
                <h2 class="title">{name}</h2>
                <PriceTag price=price/>
                <RatingTag rating=rating/>
                <StockBadge stock=stock/>
                <p class="description">{description}</p>
                {if max == 0 {
                    view! { <button class="btn add" disabled=true>{w.get(Text::out_of_stock)}</button> }.into_any()
                } else {
                    view! {
                        <div class="buy">
                            <QuantityStepper value=quantity max=Signal::stored(max)
                                on_change=Callback::new(move |n| quantity.set(n)) label=stepper_label/>
                            <button class="btn add primary" on:click=add>{w.get(Text::add_to_cart)}</button>
                        </div>
                    }.into_any()
                }}
            </div>
        </article>
    }
}
