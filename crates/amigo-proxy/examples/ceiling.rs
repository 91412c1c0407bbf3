//! The benchmark ceiling: a trivial axum handler answering a fixed JSON body, on the same
//! runtime and HTTP stack as the proxy.
//!
//! `cargo run --release -p amigo-proxy --example ceiling -- 127.0.0.1:7801 [BODY_FILE]`
//!
//! Without `BODY_FILE` it answers a tiny envelope (the bare HTTP stack). With it, it answers
//! that file's bytes, so `bench/run.sh` can give it the proxy's own ~10 KB cached catalog list:
//! the ratio to that ceiling measures the proxy's overhead rather than the body size.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:7801".to_owned());
    let body = match args.next() {
        Some(path) => Bytes::from(std::fs::read(&path)?),
        None => Bytes::from_static(br#"{"success":true,"data":[]}"#),
    };
    let app = Router::new().route(
        "/",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
