//! Serving the router on a socket. Like `axum::serve`, plus one thing it cannot do: a response
//! marked [`DropConnection`] (fault injection's `drop`) is never written; the service fails
//! instead, and hyper closes the TCP connection without a byte of response, as a crashed or
//! reset upstream would.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::fault::DropConnection;

/// The service error that makes hyper drop the connection.
#[derive(Debug, thiserror::Error)]
#[error("sandbox fault injection: connection dropped")]
struct Dropped;

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish. Each request carries `ConnectInfo<SocketAddr>` (the client IP for rate limits and
/// the IP allow-list).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let mut stop = stop_rx.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(remote));
                let router = router.clone();
                async move {
                    let resp = match router.oneshot(req).await {
                        Ok(resp) => resp,
                        Err(never) => match never {},
                    };
                    if resp.extensions().get::<DropConnection>().is_some() {
                        return Err(Dropped);
                    }
                    Ok::<_, Dropped>(resp)
                }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => log_end(result),
                () = async { let _ = stop.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    log_end(conn.await);
                }
            }
        });
        // Reap finished connections so the set does not grow with every client.
        while connections.try_join_next().is_some() {}
    }
    stop_tx.send_replace(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

fn log_end(result: Result<(), Box<dyn std::error::Error + Send + Sync>>) {
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended");
    }
}
