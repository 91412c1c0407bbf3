//! The few things the writer's statements need from a transaction, whichever database runs
//! them: run a statement with `$n` arguments, read rows back, commit. The order, key and
//! webhook writes ([`super::writer`]) are written once against [`Tx`]; PostgreSQL runs them
//! through sqlx (below), SQLite through a connection the writer thread owns
//! ([`super::lite`]), where each statement is a plain function call instead of a round trip to
//! sqlx's per-connection thread (issue 28: those hand-offs were most of an order's CPU).

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Row as _};

/// One argument, bound to `$1`, `$2`, … in order. A `None` is SQL `NULL` of that type
/// (PostgreSQL wants the type even for a `NULL`).
#[derive(Debug, Clone, Copy)]
pub(super) enum Arg<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(Some(value))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(Some(value))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Arg::Text(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(Some(value))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Arg::Int(value)
    }
}

/// One row read back, its columns in the order the query selects them.
pub(super) enum Row {
    /// Read through sqlx.
    Any(AnyRow),
    /// Read on the SQLite writer's own connection.
    Lite(Vec<rusqlite::types::Value>),
}

impl Row {
    /// Column `i` as text, `NULL` as `None`.
    pub(super) fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
        use rusqlite::types::Value;
        match self {
            Row::Any(row) => row.try_get(i),
            Row::Lite(values) => match values.get(i) {
                Some(Value::Text(text)) => Ok(Some(text.clone())),
                Some(Value::Null) => Ok(None),
                other => Err(column_error(i, "text", other)),
            },
        }
    }

    /// Column `i` as an integer, `NULL` as `None`.
    pub(super) fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
        use rusqlite::types::Value;
        match self {
            Row::Any(row) => row.try_get(i),
            Row::Lite(values) => match values.get(i) {
                Some(Value::Integer(n)) => Ok(Some(*n)),
                Some(Value::Null) => Ok(None),
                other => Err(column_error(i, "an integer", other)),
            },
        }
    }

    /// Column `i` as text that is never `NULL`.
    pub(super) fn text(&self, i: usize) -> Result<String, sqlx::Error> {
        self.opt_text(i)?.ok_or_else(|| {
            sqlx::Error::Protocol(format!("column {i}: NULL where text was expected"))
        })
    }

    /// Column `i` as an integer that is never `NULL`.
    pub(super) fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
        self.opt_int(i)?.ok_or_else(|| {
            sqlx::Error::Protocol(format!("column {i}: NULL where an integer was expected"))
        })
    }
}

fn column_error(i: usize, wanted: &str, found: Option<&rusqlite::types::Value>) -> sqlx::Error {
    sqlx::Error::Protocol(match found {
        None => format!("column {i}: no such column"),
        Some(value) => format!(
            "column {i}: {:?} where {wanted} was expected",
            value.data_type()
        ),
    })
}

/// An open transaction the writer's statements run in.
pub(super) trait Tx {
    /// Runs a statement that returns no rows; returns how many rows it changed.
    async fn execute(&mut self, sql: &'static str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error>;

    /// Runs a query; returns every row it gives.
    async fn fetch_all(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Vec<Row>, sqlx::Error>;

    /// Runs a query; returns its first row, if any.
    async fn fetch_optional(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Option<Row>, sqlx::Error> {
        Ok(self.fetch_all(sql, args).await?.into_iter().next())
    }

    /// Makes every statement run in it durable (on SQLite with `synchronous=FULL`, on disk).
    async fn commit(self) -> Result<(), sqlx::Error>
    where
        Self: Sized;
}

/// Where the writer opens its transactions: the pool on PostgreSQL, its own connection on
/// SQLite.
pub(super) trait Begin {
    /// The transaction it opens.
    type Tx<'a>: Tx
    where
        Self: 'a;

    /// Opens a transaction that takes the database's write lock at once where it has one.
    async fn begin_write(&mut self) -> Result<Self::Tx<'_>, sqlx::Error>;
}

fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments>,
    args: &[Arg<'q>],
) -> Query<'q, Any, AnyArguments> {
    for arg in args {
        query = match *arg {
            Arg::Text(text) => query.bind(text),
            Arg::Int(int) => query.bind(int),
        };
    }
    query
}

impl Tx for sqlx::Transaction<'static, Any> {
    async fn execute(&mut self, sql: &'static str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        Ok(bind_all(sqlx::query(sql), args)
            .execute(&mut **self)
            .await?
            .rows_affected())
    }

    async fn fetch_all(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<Vec<Row>, sqlx::Error> {
        Ok(bind_all(sqlx::query(sql), args)
            .fetch_all(&mut **self)
            .await?
            .into_iter()
            .map(Row::Any)
            .collect())
    }

    async fn commit(self) -> Result<(), sqlx::Error> {
        sqlx::Transaction::commit(self).await
    }
}

impl Begin for AnyPool {
    type Tx<'a> = sqlx::Transaction<'static, Any>;

    async fn begin_write(&mut self) -> Result<Self::Tx<'_>, sqlx::Error> {
        sqlx::Pool::begin(self).await
    }
}
