//! Serving connections on one single-threaded runtime per core, for a
//! SQLite store (read on the request's own thread, so a core needs no other).
//!
//! On tokio's work-stealing runtime each request's task may be woken on one
//! worker and stolen by the other, and idle workers are woken to look for
//! work; per core, a connection's requests stay on the thread that reads
//! them. The listener is accepted from on the main runtime and connections
//! are dealt to the cores in turn, so each core serves as many: letting the
//! kernel spread them (`SO_REUSEPORT`) spread them unevenly, and one core
//! queued while the other idled (`BENCHMARKS.md`).
//! Background work (flushes, the outbox, replica checks) stays on the main
//! runtime.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::pin::pin;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::serve::{IncomingStream, Listener};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tower::ServiceExt;
use tower::service_fn;

use crate::app::App;

/// A connection accepted on the main runtime, on its way to a core.
type Accepted = (std::net::TcpStream, SocketAddr);

/// Serves `app` on `listener` with one runtime per core until `shutdown`
/// completes, then lets every core finish the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let local = listener.local_addr()?;
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let (stop, stopped) = watch::channel(false);
    let mut lanes = Vec::with_capacity(cores);
    let mut finished = Vec::with_capacity(cores);
    for core in 0..cores {
        let (lane, incoming) = mpsc::unbounded_channel();
        let (done, finish) = oneshot::channel();
        start_core(
            core,
            Lane { incoming, local },
            app.clone(),
            stopped.clone(),
            done,
        )?;
        lanes.push(lane);
        finished.push(finish);
    }
    let mut shutdown = pin!(shutdown);
    let mut turns = lanes.iter().cycle();
    loop {
        let (tcp, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    wait_after_accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        super::without_delay(&tcp);
        match tcp.into_std() {
            // A core's runtime lives as long as the process; its lane never closes.
            Ok(tcp) => {
                if let Some(lane) = turns.next() {
                    let _ = lane.send((tcp, addr));
                }
            }
            Err(e) => tracing::debug!(error = %e, "an accepted connection could not be handed on"),
        }
    }
    let _ = stop.send(true);
    for finish in finished {
        if let Ok(Err(e)) = finish.await {
            return Err(e);
        }
    }
    Ok(())
}

/// Starts core `core`'s thread and runtime, serving what `lane` brings
/// until `stopped` turns true; says on `done` when its requests are finished.
fn start_core(
    core: usize,
    lane: Lane,
    app: App,
    mut stopped: watch::Receiver<bool>,
    done: oneshot::Sender<io::Result<()>>,
) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(format!("newsdesk-core-{core}"))
        .spawn(move || {
            runtime.block_on(async move {
                // Each connection's requests carry its peer's address, as
                // `into_make_service_with_connect_info` would add it.
                let connections = service_fn(move |incoming: IncomingStream<'_, Lane>| {
                    let peer = ConnectInfo(*incoming.remote_addr());
                    let app = app.clone().map_request(move |mut request: Request| {
                        request.extensions_mut().insert(peer);
                        request
                    });
                    std::future::ready(Ok::<_, Infallible>(app))
                });
                let served = axum::serve(lane, connections)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await;
                let _ = done.send(served);
                // The runtime keeps running until the process ends: database
                // and Redis connections opened on it are driven by its I/O,
                // and the server still writes through them after it stops
                // serving (the views counted last).
                std::future::pending::<()>().await;
            })
        })?;
    Ok(())
}

/// One core's share of the accepted connections.
struct Lane {
    incoming: mpsc::UnboundedReceiver<Accepted>,
    local: SocketAddr,
}

impl Listener for Lane {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let Some((tcp, addr)) = self.incoming.recv().await else {
                // The acceptor is gone: serving is over, and shutdown ends this listener.
                return std::future::pending().await;
            };
            // Registered with this core's runtime, which polls it from now on.
            match TcpStream::from_std(tcp) {
                Ok(tcp) => return (tcp, addr),
                Err(e) => tracing::debug!(error = %e, "a connection could not be served"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// After a failed accept: a connection that failed on its way in is simply
/// gone; anything else (out of file descriptors) is logged and waited out,
/// as `axum::serve` does.
async fn wait_after_accept_error(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
