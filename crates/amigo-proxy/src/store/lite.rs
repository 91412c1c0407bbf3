//! The SQLite writer's own connection, on its own thread. Through sqlx every statement is a
//! round trip to the connection's worker thread (a futex wake and a park each way); an order
//! made about twenty of those, and they were most of its CPU (issue 28, BENCHMARKS.md). Here
//! the writer thread owns a `rusqlite` connection to the same file and runs a whole batch with
//! plain calls: one hand-off in (the job) and one out (its answer) per write.
//!
//! The file, its migrations and WAL mode are set up by the pool first ([`super::backend`]);
//! this connection adds the same per-connection settings (`synchronous=FULL`, foreign keys, a
//! busy timeout for the pool's own writers).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sqlx::sqlite::SqliteConnectOptions;

use super::sql::{Arg, Begin, Row, Tx};

/// The file a `sqlite:` URL names, refusing in-memory databases: the writer's connection and
/// the pool's must reach the same data, and a memory database would lose every order at exit.
pub(crate) fn sqlite_file(url: &str) -> Result<PathBuf, String> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| e.to_string())?;
    let path = options.get_filename();
    let text = path.to_string_lossy();
    if text.is_empty() || text == ":memory:" || text.starts_with("file:sqlx-in-memory") {
        return Err(
            "an in-memory SQLite database loses every order when the proxy stops; use a file \
             (sqlite://path/to/amigo-proxy.db)"
                .to_owned(),
        );
    }
    if url.contains("mode=memory") {
        return Err("mode=memory keeps nothing on disk; use a file".to_owned());
    }
    Ok(path.to_path_buf())
}

/// The writer's connection to the database file at `path`.
pub(super) struct Lite(Connection);

impl Lite {
    /// Opens `path` (already created and migrated by the pool) with the writer's settings.
    pub(super) fn open(path: &Path) -> Result<Self, sqlx::Error> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| lite_error(&e))?;
        conn.busy_timeout(Duration::from_secs(3))
            .map_err(|e| lite_error(&e))?;
        // synchronous=FULL: a commit is on disk before its answer goes out (README "Crash
        // safety"), as on the pool's connections.
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
            .map_err(|e| lite_error(&e))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Self(conn))
    }
}

/// A rusqlite error as the store reports errors.
fn lite_error(e: &rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("sqlite: {e}"))
}

/// Binds `args` to `$1`, `$2`, … by name, so a statement that uses `$2` twice binds it once.
fn bind(statement: &mut rusqlite::Statement<'_>, args: &[Arg<'_>]) -> Result<(), sqlx::Error> {
    if statement.parameter_count() != args.len() {
        return Err(sqlx::Error::Protocol(format!(
            "sqlite: {} arguments for {} parameters",
            args.len(),
            statement.parameter_count()
        )));
    }
    for (i, arg) in args.iter().enumerate() {
        let name = format!("${}", i + 1);
        let index = statement
            .parameter_index(&name)
            .map_err(|e| lite_error(&e))?
            .ok_or_else(|| sqlx::Error::Protocol(format!("sqlite: no parameter {name}")))?;
        let bound = match *arg {
            Arg::Text(Some(text)) => statement.raw_bind_parameter(index, text),
            Arg::Int(Some(int)) => statement.raw_bind_parameter(index, int),
            Arg::Text(None) | Arg::Int(None) => {
                statement.raw_bind_parameter(index, rusqlite::types::Null)
            }
        };
        bound.map_err(|e| lite_error(&e))?;
    }
    Ok(())
}

impl Tx for rusqlite::Transaction<'_> {
    async fn execute(&mut self, sql: &'static str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        let mut statement = self.prepare_cached(sql).map_err(|e| lite_error(&e))?;
        bind(&mut statement, args)?;
        let changed = statement.raw_execute().map_err(|e| lite_error(&e))?;
        Ok(changed as u64)
    }

    async fn fetch_all(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Vec<Row>, sqlx::Error> {
        let mut statement = self.prepare_cached(sql).map_err(|e| lite_error(&e))?;
        bind(&mut statement, args)?;
        let columns = statement.column_count();
        let mut rows = statement.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| lite_error(&e))? {
            let values = (0..columns)
                .map(|i| row.get::<_, rusqlite::types::Value>(i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| lite_error(&e))?;
            out.push(Row::Lite(values));
        }
        Ok(out)
    }

    async fn commit(self) -> Result<(), sqlx::Error> {
        rusqlite::Transaction::commit(self).map_err(|e| lite_error(&e))
    }
}

impl Begin for Lite {
    type Tx<'a> = rusqlite::Transaction<'a>;

    async fn begin_write(&mut self) -> Result<Self::Tx<'_>, sqlx::Error> {
        // IMMEDIATE: the write lock is taken at BEGIN, so a batch never fails half-way on a
        // read-to-write upgrade while a pool connection writes (it waits at BEGIN instead).
        self.0
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| lite_error(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_databases_are_refused() {
        assert!(sqlite_file("sqlite::memory:").is_err());
        assert!(sqlite_file("sqlite://x.db?mode=memory").is_err());
        assert_eq!(
            sqlite_file("sqlite://dir/amigo.db").unwrap(),
            PathBuf::from("dir/amigo.db")
        );
    }

    #[test]
    fn arguments_bind_by_number_even_when_repeated() {
        let mut lite = Lite(Connection::open_in_memory().unwrap());
        lite.0
            .execute_batch("CREATE TABLE t (a TEXT, b INTEGER, c TEXT)")
            .unwrap();
        futures::executor::block_on(async {
            let mut tx = lite.begin_write().await.unwrap();
            let n = tx
                .execute(
                    "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)",
                    &[Arg::from("x"), Arg::from(7), Arg::Text(None)],
                )
                .await
                .unwrap();
            assert_eq!(n, 1);
            let rows = tx
                .fetch_all(
                    "SELECT a, b, c FROM t WHERE b = $1 AND b < $1 + 1",
                    &[7.into()],
                )
                .await
                .unwrap();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].text(0).unwrap(), "x");
            assert_eq!(rows[0].int(1).unwrap(), 7);
            assert_eq!(rows[0].opt_text(2).unwrap(), None);
            assert!(rows[0].int(0).is_err(), "text is not read as an integer");
            let wrong = tx.execute("DELETE FROM t WHERE a = $1", &[]).await;
            assert!(wrong.is_err(), "a missing argument is an error, not a NULL");
            Tx::commit(tx).await.unwrap();
        });
    }
}
