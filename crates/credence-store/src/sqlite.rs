//! `SqliteStore`: the embedded default backend (one file, WAL, foreign keys on).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};

use crate::audit::Head as ChainHead;
use crate::error::StoreError as Error;
use crate::types::StoreOptions;

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    options: StoreOptions,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://path` URL, in WAL mode with foreign
    /// keys on and a 30 s busy timeout, and runs the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_with(url, StoreOptions::default()).await
    }

    /// [`connect`](Self::connect) with options.
    pub async fn connect_with(url: &str, store_options: StoreOptions) -> Result<Self, Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        crate::migrations::SQLITE
            .migrator()
            .await?
            .run(&pool)
            .await?;
        Ok(SqliteStore {
            pool,
            options: store_options,
        })
    }

    /// Begins a write transaction with `BEGIN IMMEDIATE` (SQLite's write lock, so writers queue on
    /// the busy timeout instead of failing) and reads the audit chain head.
    async fn begin_write(&self) -> Result<(sqlx::Transaction<'static, Sqlite>, ChainHead), Error> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let (last_id, last_hash): (i64, String) =
            sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        Ok((tx, ChainHead { last_id, last_hash }))
    }

    /// Begins a status slot allocation: `BEGIN IMMEDIATE` makes it the only writer.
    async fn begin_allocate(&self) -> Result<sqlx::Transaction<'static, Sqlite>, Error> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

crate::sql::sql_store!(SqliteStore, Sqlite);
