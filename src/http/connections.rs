//! Open connections, which a request count cannot tell: a listener for `axum::serve` that
//! counts the connections it accepts and how long each stays open.
//!
//! Each accepted connection carries a guard inside its I/O object; hyper drops that object
//! however the connection ends (the client closed it, keep-alive timed out, the peer reset
//! it, the server shut down), and the guard's drop records the end. No task, lock or timer
//! is involved, so the cost is two counter adds at accept and one histogram record at close.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::serve::Listener;
use opentelemetry::metrics::{
    BoundCounter, BoundHistogram, BoundUpDownCounter, Meter, MeterProvider,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::names::metric;

/// The three connection instruments, bound once (they carry no attributes).
#[derive(Clone)]
struct Instruments {
    open: BoundUpDownCounter<i64>,
    accepted: BoundCounter<u64>,
    duration: BoundHistogram<f64>,
}

impl Instruments {
    fn new(meter: &Meter) -> Self {
        Self {
            open: metric::HTTP_SERVER_OPEN_CONNECTIONS
                .i64_up_down_counter(meter)
                .bind(&[]),
            accepted: metric::HTTP_SERVER_CONNECTIONS.u64_counter(meter).bind(&[]),
            duration: metric::HTTP_SERVER_CONNECTION_DURATION
                .f64_histogram(meter)
                .bind(&[]),
        }
    }
}

/// A [`Listener`] for `axum::serve` that records `http.server.open_connections`,
/// `http.server.connections` (accepted) and `http.server.connection.duration`.
///
/// Get one from [`Monitoring::listener`](crate::Monitoring::listener), which records into
/// that handle's pipelines, or [`ConnectionListener::new`] for the global meter provider:
///
/// ```no_run
/// # async fn run(monitoring: tower_monitoring::Monitoring, app: axum::Router) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
/// axum::serve(monitoring.listener(listener), app).await
/// # }
/// ```
pub struct ConnectionListener<L> {
    inner: L,
    instruments: Instruments,
}

impl<L: Listener> ConnectionListener<L> {
    /// Counts the connections of `inner` in the global meter provider.
    pub fn new(inner: L) -> Self {
        Self::counted(
            inner,
            &opentelemetry::global::meter_with_scope(crate::scope()),
        )
    }

    /// Counts the connections of `inner` in `provider`.
    pub fn with_meter_provider(inner: L, provider: &impl MeterProvider) -> Self {
        Self::counted(inner, &provider.meter_with_scope(crate::scope()))
    }

    fn counted(inner: L, meter: &Meter) -> Self {
        Self {
            inner,
            instruments: Instruments::new(meter),
        }
    }
}

impl<L: Listener> Listener for ConnectionListener<L> {
    type Io = CountedIo<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, address) = self.inner.accept().await;
        self.instruments.accepted.add(1);
        self.instruments.open.add(1);
        let guard = OpenConnection {
            instruments: self.instruments.clone(),
            opened: Instant::now(),
        };
        (CountedIo { io, _guard: guard }, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// Records the end of one connection when dropped.
struct OpenConnection {
    instruments: Instruments,
    opened: Instant,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.instruments.open.add(-1);
        let seconds = self.opened.elapsed().as_secs_f64();
        self.instruments.duration.record(seconds);
    }
}

/// The I/O of one accepted connection, unchanged, with the guard that records its end.
pub struct CountedIo<I> {
    io: I,
    _guard: OpenConnection,
}

impl<I: AsyncRead + Unpin> AsyncRead for CountedIo<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for CountedIo<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
