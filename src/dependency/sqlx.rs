//! sqlx, the database layer most axum services use (feature `sqlx`): the `db.system.name` of
//! a pool's database, its connections as pool gauges, a readiness ping, and its errors
//! named, with "no rows" not counted as a database failure.
//!
//! ```no_run
//! # async fn f(monitoring: tower_monitoring::Monitoring, pool: sqlx::SqlitePool) -> Result<(), sqlx::Error> {
//! use tower_monitoring::dependency::{self, sqlx as monitored};
//! use tower_monitoring::names::db_system;
//!
//! monitoring.dependencies().register_pool("main", monitored::pool_usage(pool.clone()));
//! monitoring.add_readiness_check("database", monitored::readiness_check(pool.clone()));
//!
//! // A missing row is the query's answer, not a database failure: recorded as a success.
//! let name: Option<String> = dependency::db(db_system::SQLITE, "select", "users", async {
//!     sqlx::query_scalar("SELECT name FROM users WHERE id = ?").bind(7).fetch_one(&pool).await
//! })
//! .sqlx_errors()
//! .await
//! .map(Some)
//! .or_else(|err| match err {
//!     sqlx::Error::RowNotFound => Ok(None),
//!     err => Err(err),
//! })?;
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use ::sqlx::{Connection, Database, Pool};

use super::future::Instrumented;
use super::outcome::ErrorNames;
use super::pools::PoolUsage;
use crate::names::db_system;

/// The `db.system.name` of sqlx's database `DB`: `postgresql`, `mysql` or `sqlite` (what
/// sqlx calls `PostgreSQL`, `MySQL`, `SQLite`), else `other_sql`, the conventions' value for
/// a database they do not list.
pub fn system<DB: Database>() -> &'static str {
    match DB::NAME {
        "PostgreSQL" => db_system::POSTGRESQL,
        "MySQL" => db_system::MYSQL,
        "SQLite" => db_system::SQLITE,
        _ => db_system::OTHER_SQL,
    }
}

impl<DB: Database> From<&Pool<DB>> for PoolUsage {
    /// Connections lent out (`size() - num_idle()`), idle, and the pool's maximum.
    fn from(pool: &Pool<DB>) -> Self {
        let size = u64::from(pool.size());
        let idle = pool.num_idle() as u64;
        let max = u64::from(pool.options().get_max_connections());
        PoolUsage::new(size.saturating_sub(idle), idle, max)
    }
}

/// A reader of `pool`'s connections, for
/// [`Dependencies::register_pool`](super::Dependencies::register_pool).
pub fn pool_usage<DB: Database>(pool: Pool<DB>) -> impl Fn() -> PoolUsage + Send + Sync + 'static {
    move || PoolUsage::from(&pool)
}

/// The future of one readiness ping.
pub type Ping = Pin<Box<dyn Future<Output = Result<(), ::sqlx::Error>> + Send>>;

/// A readiness check for [`Monitoring::add_readiness_check`](crate::Monitoring::add_readiness_check):
/// takes a connection from `pool` and pings the database with it. A pool that cannot lend a
/// connection within the readiness timeout fails it.
pub fn readiness_check<DB: Database>(pool: Pool<DB>) -> impl Fn() -> Ping + Send + Sync + 'static {
    move || {
        let pool = pool.clone();
        Box::pin(async move { pool.acquire().await?.ping().await })
    }
}

/// The `error.type` of a sqlx error: a closed set of names by kind (a constraint the
/// database enforced, the pool, the connection, the data), never the message.
pub fn error_type(err: &::sqlx::Error) -> &'static str {
    use ::sqlx::Error;
    use ::sqlx::error::ErrorKind;
    match err {
        Error::RowNotFound => "row_not_found",
        Error::PoolTimedOut => "pool_timed_out",
        Error::PoolClosed => "pool_closed",
        Error::Io(_) => "io",
        Error::Tls(_) => "tls",
        Error::Protocol(_) => "protocol",
        Error::Configuration(_) => "configuration",
        Error::Database(database) => match database.kind() {
            ErrorKind::UniqueViolation => "unique_violation",
            ErrorKind::ForeignKeyViolation => "foreign_key_violation",
            ErrorKind::NotNullViolation => "not_null_violation",
            ErrorKind::CheckViolation => "check_violation",
            _ => "database",
        },
        Error::ColumnDecode { .. } | Error::Decode(_) => "decode",
        Error::Encode(_) => "encode",
        Error::ColumnNotFound(_) | Error::ColumnIndexOutOfBounds { .. } => "column",
        Error::TypeNotFound { .. } => "type_not_found",
        _ => crate::classify::UNNAMED_ERROR,
    }
}

/// [`ErrorNames`] for sqlx results: errors named by [`error_type`], and `RowNotFound` not a
/// failure (the database answered; the caller decides whether a missing row is an error).
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlxErrors;

impl<T> ErrorNames<Result<T, ::sqlx::Error>> for SqlxErrors {
    fn name(&self, output: &Result<T, ::sqlx::Error>) -> Option<Cow<'static, str>> {
        match output {
            Ok(_) | Err(::sqlx::Error::RowNotFound) => None,
            Err(err) => Some(Cow::Borrowed(error_type(err))),
        }
    }
}

impl<F, T> Instrumented<F>
where
    F: Future<Output = Result<T, ::sqlx::Error>>,
{
    /// Names the call's errors as sqlx's ([`SqlxErrors`]): `error.type` by kind, and
    /// `RowNotFound` a success. The output is unchanged.
    pub fn sqlx_errors(self) -> Instrumented<F, SqlxErrors> {
        self.named_by(SqlxErrors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_named_by_kind_and_a_missing_row_is_no_failure() {
        let missing: Result<(), ::sqlx::Error> = Err(::sqlx::Error::RowNotFound);
        assert_eq!(SqlxErrors.name(&missing), None);
        let timed_out: Result<(), ::sqlx::Error> = Err(::sqlx::Error::PoolTimedOut);
        assert_eq!(
            SqlxErrors.name(&timed_out).as_deref(),
            Some("pool_timed_out")
        );
        assert_eq!(
            error_type(&::sqlx::Error::Protocol("secret detail".into())),
            "protocol"
        );
    }
}
