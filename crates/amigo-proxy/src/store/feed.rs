//! The order feed: the reference of every order whose shopper view changed, announced once its
//! write has committed, the same way on both databases. The writer hands each committed
//! batch's changes to [`OrderFeed::notify_in`] (inside the transaction) and
//! [`OrderFeed::committed`] (after it): on PostgreSQL the first queues a `NOTIFY`, which the
//! database delivers to every instance's `LISTEN` when (and only if) the transaction commits;
//! on SQLite this process is the only writer, so the second announces them itself.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use super::backend::Backend;
use super::sql::Tx;

/// The `NOTIFY` channel that carries the reference of every order whose view changed.
const CHANGES_CHANNEL: &str = "amigo_order_changed";

/// Announces committed changes to every subscriber (each order's event streams).
#[derive(Debug, Clone)]
pub(super) struct OrderFeed {
    backend: Backend,
    changes: broadcast::Sender<String>,
}

impl OrderFeed {
    /// The feed for `backend`; on PostgreSQL it listens on the database at `url` at once, so
    /// no change committed after start-up is missed.
    pub(super) async fn start(url: &str, backend: Backend) -> Result<Self, sqlx::Error> {
        let (changes, _) = broadcast::channel(1024);
        if backend == Backend::Postgres {
            let mut listener = PgListener::connect(url).await?;
            listener.listen(CHANGES_CHANNEL).await?;
            tokio::spawn(forward_notifications(listener, changes.clone()));
        }
        Ok(Self { backend, changes })
    }

    /// A new subscriber, hearing every change announced from now on.
    pub(super) fn subscribe(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    /// Queues the announcement of `reference` in `tx` (PostgreSQL: a `NOTIFY`, delivered to
    /// every listener only if the transaction commits).
    pub(super) async fn notify_in(
        &self,
        tx: &mut impl Tx,
        reference: &str,
    ) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            tx.fetch_all(
                "SELECT pg_notify($1, $2)::text",
                &[CHANGES_CHANNEL.into(), reference.into()],
            )
            .await?;
        }
        Ok(())
    }

    /// Announces the references whose transaction has committed (SQLite: this process is the
    /// only writer; on PostgreSQL their `NOTIFY` comes back through `LISTEN`).
    pub(super) fn committed(&self, references: Vec<String>) {
        if self.backend == Backend::Sqlite {
            for reference in references {
                // No subscriber is fine.
                let _ = self.changes.send(reference);
            }
        }
    }
}

/// Forwards `NOTIFY` payloads (order references) to this process's feed, where SQLite's
/// [`OrderFeed::committed`] puts them directly: from here on both databases take one path
/// (`AppState`'s `publish_views` turns each reference into the view the event streams send). `PgListener` reconnects by
/// itself after a lost connection; notifications sent while it was away are lost, so a stream
/// may miss an intermediate status but shows the next one (and a reload shows the current one).
async fn forward_notifications(mut listener: PgListener, changes: broadcast::Sender<String>) {
    loop {
        match listener.recv().await {
            Ok(note) => {
                // No subscriber is fine.
                let _ = changes.send(note.payload().to_owned());
            }
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN connection lost; reconnecting");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
