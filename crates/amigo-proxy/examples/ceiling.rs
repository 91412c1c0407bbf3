//! The benchmark ceiling: a trivial axum handler answering a fixed JSON body, on the same
//! runtime and HTTP stack as the proxy. `cargo run --release -p amigo-proxy --example ceiling
//! -- 127.0.0.1:7801`

use axum::Router;
use axum::http::header;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7801".to_owned());
    let app = Router::new().route(
        "/",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"success":true,"data":[]}"#,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
