//! The connection cap: a listener that accepts a connection only while fewer than
//! `AMIGO_MAX_CONNECTIONS` are open, so a flood of idle or slow connections cannot exhaust the
//! process's sockets and memory. Clients beyond the cap wait in the kernel's accept queue until
//! a connection closes.
//!
//! Hand-written because no crate does it for `axum::serve`: tower's `ConcurrencyLimit` counts
//! requests in flight, not open connections (an idle keep-alive connection or an event stream
//! holds none), and axum's serve loop has no connection limit of its own. The cap is a
//! semaphore whose permit travels with the accepted stream and is returned when it is dropped.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A TCP listener that keeps at most `max` connections open.
#[derive(Debug)]
pub(crate) struct CappedListener {
    inner: TcpListener,
    open: Arc<Semaphore>,
}

impl CappedListener {
    /// Caps `inner` at `max` open connections (at least one).
    pub(crate) fn new(inner: TcpListener, max: usize) -> Self {
        Self {
            inner,
            open: Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
        }
    }
}

impl axum::serve::Listener for CappedListener {
    type Io = CappedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // Wait for room before accepting, so the waiting clients stay in the kernel's queue.
            let permit = match self.open.clone().acquire_owned().await {
                Ok(permit) => permit,
                // never closed; were it, serving without the cap beats not serving
                Err(_) => {
                    let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
                    return (CappedStream::uncapped(stream), addr);
                }
            };
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // small answers and event-stream frames go out at once
                    let _ = stream.set_nodelay(true);
                    return (
                        CappedStream {
                            stream,
                            _permit: Some(permit),
                        },
                        addr,
                    );
                }
                Err(e) => {
                    // as axum's own listener: out of file descriptors and the like pass
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// An accepted connection; its slot under the cap frees when it is dropped.
#[derive(Debug)]
pub(crate) struct CappedStream {
    stream: TcpStream,
    _permit: Option<OwnedSemaphorePermit>,
}

impl CappedStream {
    fn uncapped(stream: TcpStream) -> Self {
        Self {
            stream,
            _permit: None,
        }
    }
}

impl AsyncRead for CappedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CappedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
