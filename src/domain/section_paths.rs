//! The stored section paths (`section_paths`): each section's path from the
//! top, as the JSON a whole article shows (`section_path`). Written afresh
//! for every section in the transaction of each write that creates, renames,
//! moves or deletes a section, so a rename reaches every subsection's
//! articles at once; sections are few, and writing all of them is simpler
//! than knowing which changed. Checked against a fresh rebuild by
//! `newsdesk reindex --check` and the differential test.
//!
//! Stored because walking the tree on each read cost PostgreSQL more than
//! anything else in the article statement: a recursive query set up on
//! every run, 12 % of the article-with-comments statement.

use sea_orm::{ConnectionTrait, Statement};

use super::Newsdesk;
use super::documents::section_path_shape;
use super::ids::SectionId;
use super::teasers::ids;
use crate::db::sql::Dialect;
use crate::error::Result;

/// A key no other advisory lock of Newsdesk's uses.
const WRITING_PATHS: i64 = 0x5ec7_1095;

/// Writes every section's stored path from the sections table, and drops
/// the paths of sections that are gone. Call it inside the transaction of
/// the write that changed a section.
pub async fn refresh_section_paths(db: &impl ConnectionTrait) -> Result<()> {
    let d = Dialect::of(db.get_database_backend());
    if d == Dialect::Postgres {
        // Two section writes at once: the second waits for the first to
        // commit, so its paths are read from a snapshot that includes it.
        db.execute_raw(Statement::from_string(
            d.backend(),
            format!("SELECT pg_advisory_xact_lock({WRITING_PATHS})"),
        ))
        .await?;
    }
    db.execute_raw(Statement::from_string(
        d.backend(),
        format!(
            "INSERT INTO section_paths (section_id, path) SELECT sec.id, {} FROM sections sec \
             WHERE TRUE ON CONFLICT (section_id) DO UPDATE SET path = excluded.path",
            section_path_shape(d, "sec.id")
        ),
    ))
    .await?;
    db.execute_raw(Statement::from_string(
        d.backend(),
        "DELETE FROM section_paths \
         WHERE NOT EXISTS (SELECT 1 FROM sections s WHERE s.id = section_id)",
    ))
    .await?;
    Ok(())
}

impl Newsdesk {
    /// The sections whose stored path is missing or differs, byte for byte,
    /// from the path written afresh, and stored paths of sections that no
    /// longer exist. Empty when the read model is exact.
    pub async fn stale_section_paths(&self) -> Result<Vec<SectionId>> {
        let db = self.db();
        let d = Dialect::of(db.get_database_backend());
        let statement = Statement::from_string(
            d.backend(),
            format!(
                "SELECT sec.id FROM sections sec \
                 LEFT JOIN section_paths stored ON stored.section_id = sec.id \
                 WHERE stored.path IS NULL OR stored.path <> {} \
                 UNION SELECT stored.section_id FROM section_paths stored \
                 WHERE NOT EXISTS (SELECT 1 FROM sections s WHERE s.id = stored.section_id) \
                 ORDER BY 1",
                section_path_shape(d, "sec.id")
            ),
        );
        ids(db, statement)
            .await
            .map(|ids| ids.into_iter().map(SectionId).collect())
    }

    /// Writes every section's path afresh.
    pub async fn rebuild_section_paths(&self) -> Result<()> {
        let txn = crate::db::begin_write(self.db()).await?;
        refresh_section_paths(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
