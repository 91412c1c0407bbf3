//! Which database the store runs on, and opening it: the pool with each backend's connection
//! settings, and that backend's migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, Connection, Executor};

/// Which database a [`Store`](super::Store) runs on; the SQL is shared, a few behaviours are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One embedded file: the default, for the demo and a single instance.
    Sqlite,
    /// A shared server: several instances act as one.
    Postgres,
}

/// Opens the database at `url` (`sqlite:` creating the file if needed, or `postgres:`) and runs
/// that backend's migrations.
pub(super) async fn open(url: &str) -> Result<(AnyPool, Backend), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let pool = match backend {
        Backend::Sqlite => {
            // Create the file in WAL mode once (the journal mode is kept in the file);
            // per-connection pragmas are set on every pooled connection below.
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true);
            sqlx::SqliteConnection::connect_with(&options)
                .await?
                .close()
                .await?;
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                // No ping before each use: on SQLite every statement is a round trip to the
                // connection's own thread, and a local file cannot go away like a server's
                // socket can (a ping per acquire added one more trip to every read and batch).
                .test_before_acquire(false)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // synchronous=FULL, not WAL's usual NORMAL: a commit is on disk
                        // before its 2xx/201 goes out, so not even a power cut loses an
                        // acknowledged write (README "Crash safety")
                        conn.execute(
                            "PRAGMA busy_timeout = 3000; PRAGMA foreign_keys = ON; \
                             PRAGMA synchronous = FULL",
                        )
                        .await
                        .map(|_| ())
                    })
                })
                .connect(url)
                .await?;
            sqlx::migrate!("./migrations").run(&pool).await?;
            // SQLite serves one instance, so an order key still in flight at start-up was
            // held by this proxy's previous process, which died before Amigo answered: free
            // it, so the shopper's retry (same key) is forwarded at once instead of waiting
            // out a dead call. Amigo's own idempotency still returns the one order.
            let freed = sqlx::query("DELETE FROM order_keys WHERE response_status IS NULL")
                .execute(&pool)
                .await?
                .rows_affected();
            if freed > 0 {
                tracing::warn!(
                    freed,
                    "released order keys left in flight by a previous run"
                );
            }
            pool
        }
        Backend::Postgres => {
            // One plain connection first: a wrong host, password or database name is
            // reported as such, not as a pool timeout.
            sqlx::AnyConnection::connect(url).await?.close().await?;
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            sqlx::migrate!("./migrations-postgres").run(&pool).await?;
            pool
        }
    };
    Ok((pool, backend))
}
