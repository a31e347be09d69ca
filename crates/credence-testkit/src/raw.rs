//! SQL behind the store's back: counting rows, tampering.

use sqlx::{PgPool, SqlitePool};

/// Raw SQL access to a store's database, behind the store's back.
pub enum Raw {
    /// A SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL schema.
    Pg(PgPool),
}

/// What the service has written so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Rows in `completions`.
    pub completions: i64,
    /// Rows in `badges`.
    pub badges: i64,
    /// Rows in `audit_log`.
    pub audit: i64,
}

impl Raw {
    /// Opens a pool on the database a store URL names.
    pub async fn open(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            Raw::Sqlite(SqlitePool::connect(url).await.unwrap())
        } else {
            Raw::Pg(PgPool::connect(url).await.unwrap())
        }
    }

    /// Runs a statement and returns the rows it affected.
    pub async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        }
    }

    /// One integer.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// One column of text.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        }
    }

    /// Row counts of the tables a submission writes.
    pub async fn written(&self) -> Written {
        Written {
            completions: self.scalar("SELECT COUNT(*) FROM completions").await,
            badges: self.scalar("SELECT COUNT(*) FROM badges").await,
            audit: self.scalar("SELECT COUNT(*) FROM audit_log").await,
        }
    }

    /// Closes the pool.
    pub async fn close(self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Pg(p) => p.close().await,
        }
    }
}
