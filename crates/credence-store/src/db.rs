//! Running one statement on either backend: a [`Statement`] is SQL text with `$n` placeholders
//! (which SQLite and PostgreSQL both accept) and its typed parameters, run on a [`Pool`] or in a
//! [`Tx`]. Rows decode into tuples through each backend's `FromRow`, so every statement of the
//! store is written once, as plain Rust.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{
    Arguments, Database, Encode, FromRow, PgConnection, Postgres, Sqlite, SqliteConnection, Type,
};

/// A connection pool of one backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// The embedded default.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL, for several replicas on one database.
    Postgres(sqlx::PgPool),
}

/// An open transaction of one backend; dropped without [`commit`](Tx::commit), it rolls back.
#[derive(Debug)]
pub(crate) enum Tx {
    /// SQLite.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Pool {
    /// Begins a transaction that writes: on SQLite with `BEGIN IMMEDIATE` (the database's write
    /// lock, so writers queue on the busy timeout instead of failing part-way).
    pub(crate) async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a transaction that only reads, so several reads see one snapshot.
    pub(crate) async fn begin_read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Closes every connection.
    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Whether this is a PostgreSQL transaction (for the few statements that differ: row locks).
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }
}

/// Where a statement runs.
pub(crate) enum On<'a> {
    SqlitePool(&'a sqlx::SqlitePool),
    SqliteTx(&'a mut SqliteConnection),
    PgPool(&'a sqlx::PgPool),
    PgTx(&'a mut PgConnection),
}

impl<'a> From<&'a Pool> for On<'a> {
    fn from(pool: &'a Pool) -> Self {
        match pool {
            Pool::Sqlite(p) => On::SqlitePool(p),
            Pool::Postgres(p) => On::PgPool(p),
        }
    }
}

impl<'a> From<&'a mut Tx> for On<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        match tx {
            Tx::Sqlite(t) => On::SqliteTx(t),
            Tx::Postgres(t) => On::PgTx(t),
        }
    }
}

/// One bound parameter. `None` values are typed NULLs.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Date(NaiveDate),
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(Some(v.to_owned()))
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(Some(v))
    }
}
impl From<&String> for Param {
    fn from(v: &String) -> Self {
        Param::Text(Some(v.clone()))
    }
}
impl From<Option<&str>> for Param {
    fn from(v: Option<&str>) -> Self {
        Param::Text(v.map(str::to_owned))
    }
}
impl From<Option<String>> for Param {
    fn from(v: Option<String>) -> Self {
        Param::Text(v)
    }
}
impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(Some(v))
    }
}
impl From<Option<i64>> for Param {
    fn from(v: Option<i64>) -> Self {
        Param::Int(v)
    }
}
impl From<bool> for Param {
    fn from(v: bool) -> Self {
        Param::Bool(v)
    }
}
impl From<DateTime<Utc>> for Param {
    fn from(v: DateTime<Utc>) -> Self {
        Param::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Param {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Param::Time(v)
    }
}
impl From<NaiveDate> for Param {
    fn from(v: NaiveDate) -> Self {
        Param::Date(v)
    }
}

/// A row type both backends decode.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// SQL text and its parameters.
#[derive(Debug, Clone)]
#[must_use = "a statement does nothing until it is run"]
pub(crate) struct Statement {
    text: Cow<'static, str>,
    params: Vec<Param>,
}

/// A statement with no parameters bound yet.
pub(crate) fn sql(text: impl Into<Cow<'static, str>>) -> Statement {
    Statement {
        text: text.into(),
        params: Vec::new(),
    }
}

/// Binds every parameter, in order.
fn arguments<'q, DB: Database>(params: Vec<Param>) -> Result<DB::Arguments<'q>, BoxDynError>
where
    Option<String>: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
    NaiveDate: Encode<'q, DB> + Type<DB>,
{
    let mut args = DB::Arguments::default();
    args.reserve(params.len(), 0);
    for p in params {
        match p {
            Param::Text(v) => args.add(v)?,
            Param::Int(v) => args.add(v)?,
            Param::Bool(v) => args.add(v)?,
            Param::Time(v) => args.add(v)?,
            Param::Date(v) => args.add(v)?,
        }
    }
    Ok(args)
}

fn encode_error(e: BoxDynError) -> sqlx::Error {
    sqlx::Error::Encode(e)
}

impl Statement {
    /// Binds the next parameter.
    pub(crate) fn bind(mut self, value: impl Into<Param>) -> Self {
        self.params.push(value.into());
        self
    }

    /// Binds several parameters, in order.
    pub(crate) fn bind_all(mut self, values: impl IntoIterator<Item = Param>) -> Self {
        self.params.extend(values);
        self
    }

    /// Runs the statement; returns the number of rows it changed.
    pub(crate) async fn execute<'a>(self, on: impl Into<On<'a>>) -> Result<u64, sqlx::Error> {
        let text = self.text.as_ref();
        Ok(match on.into() {
            On::SqlitePool(p) => {
                let args = arguments::<Sqlite>(self.params).map_err(encode_error)?;
                sqlx::query_with(text, args)
                    .execute(p)
                    .await?
                    .rows_affected()
            }
            On::SqliteTx(c) => {
                let args = arguments::<Sqlite>(self.params).map_err(encode_error)?;
                sqlx::query_with(text, args)
                    .execute(c)
                    .await?
                    .rows_affected()
            }
            On::PgPool(p) => {
                let args = arguments::<Postgres>(self.params).map_err(encode_error)?;
                sqlx::query_with(text, args)
                    .execute(p)
                    .await?
                    .rows_affected()
            }
            On::PgTx(c) => {
                let args = arguments::<Postgres>(self.params).map_err(encode_error)?;
                sqlx::query_with(text, args)
                    .execute(c)
                    .await?
                    .rows_affected()
            }
        })
    }

    /// Every row the statement returns.
    pub(crate) async fn fetch_all<'a, T: Row>(
        self,
        on: impl Into<On<'a>>,
    ) -> Result<Vec<T>, sqlx::Error> {
        let text = self.text.as_ref();
        match on.into() {
            On::SqlitePool(p) => {
                let args = arguments::<Sqlite>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_all(p).await
            }
            On::SqliteTx(c) => {
                let args = arguments::<Sqlite>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_all(c).await
            }
            On::PgPool(p) => {
                let args = arguments::<Postgres>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_all(p).await
            }
            On::PgTx(c) => {
                let args = arguments::<Postgres>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_all(c).await
            }
        }
    }

    /// The first row the statement returns, if any.
    pub(crate) async fn fetch_optional<'a, T: Row>(
        self,
        on: impl Into<On<'a>>,
    ) -> Result<Option<T>, sqlx::Error> {
        let text = self.text.as_ref();
        match on.into() {
            On::SqlitePool(p) => {
                let args = arguments::<Sqlite>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_optional(p).await
            }
            On::SqliteTx(c) => {
                let args = arguments::<Sqlite>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_optional(c).await
            }
            On::PgPool(p) => {
                let args = arguments::<Postgres>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_optional(p).await
            }
            On::PgTx(c) => {
                let args = arguments::<Postgres>(self.params).map_err(encode_error)?;
                sqlx::query_as_with(text, args).fetch_optional(c).await
            }
        }
    }

    /// The one row the statement returns (an error if it returns none).
    pub(crate) async fn fetch_one<'a, T: Row>(
        self,
        on: impl Into<On<'a>>,
    ) -> Result<T, sqlx::Error> {
        self.fetch_optional(on)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}

/// The placeholder of the `n`th parameter (from 1) in a long list: `$n` on PostgreSQL, a plain
/// `?` on SQLite, which then numbers it `n` by position. (SQLite looks a named or numbered
/// parameter's name up in a list, so binding thousands of `$n` costs time quadratic in their
/// number: a multi-row insert of 2,000 badges took seconds.)
fn placeholder(tx: &Tx, n: usize, text: &mut String) {
    if tx.is_postgres() {
        text.push('$');
        text.push_str(&n.to_string());
    } else {
        text.push('?');
    }
}

/// `INSERT INTO {into} VALUES (…), (…)` for `rows` rows of `columns` parameters each, which are
/// the statement's only parameters.
pub(crate) fn insert_values(tx: &Tx, into: &str, rows: usize, columns: usize) -> String {
    let mut text = format!("INSERT INTO {into} VALUES ");
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for column in 0..columns {
            if column > 0 {
                text.push_str(", ");
            }
            n += 1;
            placeholder(tx, n, &mut text);
        }
        text.push(')');
    }
    text
}

/// Placeholders for parameters `from` to `from + count - 1`, to go inside `IN (…)`: the last
/// parameters of their statement, after the `$1` … `$(from - 1)` before them.
pub(crate) fn placeholders(tx: &Tx, from: usize, count: usize) -> String {
    let mut text = String::new();
    for n in from..from + count {
        if n > from {
            text.push_str(", ");
        }
        placeholder(tx, n, &mut text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn multi_row_inserts_number_their_placeholders_in_order() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.ok();
        let Some(pool) = pool else {
            panic!("an in-memory SQLite database")
        };
        let tx = Pool::Sqlite(pool).begin_read().await.ok();
        let Some(tx) = tx else {
            panic!("a transaction")
        };
        assert_eq!(
            insert_values(&tx, "t (a, b)", 2, 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(placeholders(&tx, 3, 3), "?, ?, ?");
    }
}
