//! The throughput ceiling for `bench/throughput.mjs`: the same axum/hyper/tokio stack as
//! amigo-proxy serving one fixed body from memory, with no middleware and no work.
//!
//! `cargo run --release -p amigo-proxy --example ceiling -- [--listen 127.0.0.1:0] [--body-file F]`
//! prints `ceiling listening on http://ADDR` and answers every `GET` with the bytes of `F`
//! (default `{"status":"ok"}`) as `application/json`, until SIGTERM or Ctrl-C.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use bytes::Bytes;

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
    }
    None
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen: SocketAddr = arg("--listen")
        .unwrap_or_else(|| "127.0.0.1:0".into())
        .parse()?;
    let body = match arg("--body-file") {
        Some(path) => Bytes::from(std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?),
        None => Bytes::from_static(br#"{"status":"ok"}"#),
    };
    let handler = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    };
    let app = Router::new().fallback(get(handler));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    // The banner is the interface: the benchmark reads the port from it.
    eprintln!("ceiling listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
        })
        .await?;
    Ok(())
}
