//! The sync API, for apps that keep an offline copy: a first pass pages
//! through everything public (sections, authors, tags, then articles in
//! their public shape); afterwards a token brings only what changed since,
//! read from the event outbox, in order: the newest form of what changed,
//! or a tombstone for what left the public.
//!
//! Tokens are signed positions, opaque to clients and useless when edited.
//! The first pass remembers where the outbox stood when it began, so what
//! changed while it paged comes again in the first delta. A token older
//! than the outbox keeps events for is refused as gone (410): the app must
//! start over.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::authors::Author;
use super::documents;
use super::newsdesk::Reader;
use super::outbox::{Event, Subject};
use super::page::Limit;
use super::sections::SectionInfo;
use super::tags::Tag;
use super::visibility;
use crate::crypto::signature::TokenSigner;
use crate::db::entities::{articles, authors, sections, tags};
use crate::error::{Error, Result};

/// How many events one delta page reads at most.
const EVENTS_PER_PAGE: u64 = 500;

/// What kind of thing an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyncKind {
    Section,
    Author,
    Tag,
    Article,
}

impl SyncKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncKind::Section => "section",
            SyncKind::Author => "author",
            SyncKind::Tag => "tag",
            SyncKind::Article => "article",
        }
    }

    /// The first pass's stages, in order.
    const STAGES: [SyncKind; 4] = [
        SyncKind::Section,
        SyncKind::Author,
        SyncKind::Tag,
        SyncKind::Article,
    ];
}

/// One item of a sync page.
#[derive(Clone, Debug)]
pub enum SyncItem {
    Section(SectionInfo),
    Author(Author),
    Tag(Tag),
    /// An article in its public shape, as JSON the database wrote.
    Article {
        id: i64,
        slug: String,
        json: String,
    },
    /// Gone from the public: unpublished, archived or deleted.
    Deleted {
        kind: SyncKind,
        id: i64,
        slug: String,
    },
}

/// A page of a sync.
#[derive(Clone, Debug)]
pub struct SyncPage {
    pub items: Vec<SyncItem>,
    /// Where this sync goes on, while it has more.
    pub next_cursor: Option<String>,
    /// Once it has no more: the token for the next sync.
    pub next_sync_token: Option<String>,
}

/// What a client asks for.
#[derive(Clone, Debug)]
pub enum SyncRequest<'a> {
    /// Everything, from the start.
    Initial,
    /// What changed since a sync token.
    Since(&'a str),
    /// The next page of a sync under way.
    Cursor(&'a str),
}

/// A position in a sync, as its token carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    /// The first pass: the outbox stood at `seq` when it began; it has
    /// reached `stage`, after the row with id `after`.
    Initial { seq: i64, stage: usize, after: i64 },
    /// Changes after event `seq`.
    Delta { seq: i64 },
}

/// A position and when the sync that reached it began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    at: Position,
    began: i64,
}

impl Mark {
    fn encode(self, signer: &TokenSigner) -> String {
        signer.sign(&match self.at {
            Position::Initial { seq, stage, after } => {
                format!("i:{seq}:{stage}:{after}:{}", self.began)
            }
            Position::Delta { seq } => format!("d:{seq}:{}", self.began),
        })
    }

    fn decode(signer: &TokenSigner, field: &str, raw: &str) -> Result<Mark> {
        let bad = || Error::invalid(field, "is not a token this server handed out");
        let payload = signer.verify(raw).ok_or_else(bad)?;
        let parts: Vec<i64> = payload
            .split(':')
            .skip(1)
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad())?;
        match (payload.split(':').next(), parts.as_slice()) {
            (Some("i"), [seq, stage, after, began]) => Ok(Mark {
                at: Position::Initial {
                    seq: *seq,
                    stage: usize::try_from(*stage)
                        .ok()
                        .filter(|s| *s < SyncKind::STAGES.len())
                        .ok_or_else(bad)?,
                    after: *after,
                },
                began: *began,
            }),
            (Some("d"), [seq, began]) => Ok(Mark {
                at: Position::Delta { seq: *seq },
                began: *began,
            }),
            _ => Err(bad()),
        }
    }
}

impl Reader {
    /// A page of a sync: the first pass, or what changed since a token.
    pub async fn sync(&self, request: SyncRequest<'_>, limit: Limit) -> Result<SyncPage> {
        let desk = self.desk();
        let signer = TokenSigner::new(&desk.outbound().signing_secret, "sync");
        let now = self.now();
        let mark = match request {
            SyncRequest::Initial => Mark {
                at: Position::Initial {
                    seq: desk.last_event().await?,
                    stage: 0,
                    after: 0,
                },
                began: now.timestamp(),
            },
            SyncRequest::Since(raw) => {
                let mark = Mark::decode(&signer, "sync_token", raw)?;
                if !matches!(mark.at, Position::Delta { .. }) {
                    return Err(Error::invalid(
                        "sync_token",
                        "is a page cursor; pass it as cursor",
                    ));
                }
                mark
            }
            SyncRequest::Cursor(raw) => Mark::decode(&signer, "cursor", raw)?,
        };
        let window = desk.outbound().event_retention;
        let began = DateTime::<Utc>::from_timestamp(mark.began, 0).unwrap_or(now);
        if now - began > window {
            return Err(Error::Gone(
                "this sync token is older than the events kept; sync again from the start with initial=true",
            ));
        }
        let (items, next) = match mark.at {
            Position::Initial { seq, stage, after } => {
                self.initial_page(seq, stage, after, limit).await?
            }
            Position::Delta { seq } => self.delta_page(seq).await?,
        };
        let (next_cursor, next_sync_token) = match next {
            Next::More(at) => (
                Some(
                    Mark {
                        at,
                        began: mark.began,
                    }
                    .encode(&signer),
                ),
                None,
            ),
            // A finished sync's token starts the next sync's clock, unless
            // nothing happened since the token given: then that token comes
            // back as it was, so a repeated poll is the same response byte
            // for byte (a 304 to a conditional request) whenever it comes.
            Next::Done(seq) => {
                let unchanged = mark.at == Position::Delta { seq };
                let began = if unchanged {
                    mark.began
                } else {
                    now.timestamp()
                };
                let at = Position::Delta { seq };
                (None, Some(Mark { at, began }.encode(&signer)))
            }
        };
        Ok(SyncPage {
            items,
            next_cursor,
            next_sync_token,
        })
    }

    async fn initial_page(
        &self,
        seq: i64,
        mut stage: usize,
        mut after: i64,
        limit: Limit,
    ) -> Result<(Vec<SyncItem>, Next)> {
        let mut items = Vec::new();
        let wanted = limit.get() as usize;
        while items.len() < wanted {
            let room = (wanted - items.len()) as u64;
            let (found, last) = self
                .stage_rows(SyncKind::STAGES[stage], after, room)
                .await?;
            let full = found.len() as u64 == room;
            items.extend(found);
            if full {
                after = last;
                break;
            }
            stage += 1;
            after = 0;
            if stage == SyncKind::STAGES.len() {
                return Ok((items, Next::Done(seq)));
            }
        }
        Ok((items, Next::More(Position::Initial { seq, stage, after })))
    }

    /// Up to `limit` public rows of one kind after id `after`, and the last id.
    async fn stage_rows(
        &self,
        kind: SyncKind,
        after: i64,
        limit: u64,
    ) -> Result<(Vec<SyncItem>, i64)> {
        let db = self.db();
        let items: Vec<(i64, SyncItem)> = match kind {
            SyncKind::Section => sections::Entity::find()
                .filter(sections::Column::Id.gt(after))
                .order_by_asc(sections::Column::Id)
                .limit(limit)
                .all(db)
                .await?
                .iter()
                .map(|s| (s.id, SyncItem::Section(SectionInfo::from(s))))
                .collect(),
            SyncKind::Author => authors::Entity::find()
                .filter(authors::Column::Id.gt(after))
                .order_by_asc(authors::Column::Id)
                .limit(limit)
                .all(db)
                .await?
                .into_iter()
                .map(|a| (a.id, SyncItem::Author(a.into())))
                .collect(),
            SyncKind::Tag => tags::Entity::find()
                .filter(tags::Column::Id.gt(after))
                .order_by_asc(tags::Column::Id)
                .limit(limit)
                .all(db)
                .await?
                .into_iter()
                .map(|t| (t.id, SyncItem::Tag(t.into())))
                .collect(),
            SyncKind::Article => {
                let ids: Vec<i64> = articles::Entity::find()
                    .select_only()
                    .column(articles::Column::Id)
                    .filter(visibility::public_articles(articles::Entity, self.now()))
                    .filter(articles::Column::Id.gt(after))
                    .order_by_asc(articles::Column::Id)
                    .limit(limit)
                    .into_tuple()
                    .all(db)
                    .await?;
                let mut found = self.articles_now(&ids).await?;
                ids.iter()
                    .filter_map(|id| Some((*id, found.remove(id)?)))
                    .collect()
            }
        };
        let last = items.last().map_or(after, |(id, _)| *id);
        Ok((items.into_iter().map(|(_, item)| item).collect(), last))
    }

    /// The public articles among `ids`, whole, in one statement.
    async fn articles_now(&self, ids: &[i64]) -> Result<HashMap<i64, SyncItem>> {
        let site = &self.desk().outbound().site;
        documents::public_articles_by_id(self.reads(), self.now(), ids)
            .await?
            .into_iter()
            .map(|(id, slug, json)| {
                let json = super::structured::with_structured_data(site, &json)?;
                Ok((
                    id.0,
                    SyncItem::Article {
                        id: id.0,
                        slug,
                        json,
                    },
                ))
            })
            .collect()
    }

    /// What changed after event `seq`: each thing once, in the order of
    /// its last change, as it is now.
    async fn delta_page(&self, seq: i64) -> Result<(Vec<SyncItem>, Next)> {
        let events = self.desk().outbox_after(seq, EVENTS_PER_PAGE).await?;
        let last = events.last().map_or(seq, |e| e.seq);
        let full = events.len() as u64 == EVENTS_PER_PAGE;
        let mut latest: HashMap<(SyncKind, i64), (usize, String)> = HashMap::new();
        for (order, event) in events.iter().enumerate() {
            if let Some((key, slug)) = touched(event) {
                latest.insert(key, (order, slug));
            }
        }
        let mut changed: Vec<((SyncKind, i64), (usize, String))> = latest.into_iter().collect();
        changed.sort_by_key(|(_, (order, _))| *order);
        let keys: Vec<(SyncKind, i64)> = changed.iter().map(|(key, _)| *key).collect();
        let mut now = self.as_now(&keys).await?;
        let items = changed
            .into_iter()
            .map(|(key @ (kind, id), (_, slug))| {
                now.remove(&key)
                    .unwrap_or(SyncItem::Deleted { kind, id, slug })
            })
            .collect();
        let next = if full {
            Next::More(Position::Delta { seq: last })
        } else {
            Next::Done(last)
        };
        Ok((items, next))
    }

    /// The changed things that still exist (articles: that are public),
    /// as they are now: one statement per kind.
    async fn as_now(
        &self,
        changed: &[(SyncKind, i64)],
    ) -> Result<HashMap<(SyncKind, i64), SyncItem>> {
        let db = self.db();
        let ids = |wanted: SyncKind| -> Vec<i64> {
            changed
                .iter()
                .filter(|(kind, _)| *kind == wanted)
                .map(|(_, id)| *id)
                .collect()
        };
        let mut found: HashMap<(SyncKind, i64), SyncItem> = HashMap::new();
        for (id, item) in self.articles_now(&ids(SyncKind::Article)).await? {
            found.insert((SyncKind::Article, id), item);
        }
        for s in sections::Entity::find()
            .filter(sections::Column::Id.is_in(ids(SyncKind::Section)))
            .all(db)
            .await?
        {
            found.insert(
                (SyncKind::Section, s.id),
                SyncItem::Section(SectionInfo::from(&s)),
            );
        }
        for a in authors::Entity::find()
            .filter(authors::Column::Id.is_in(ids(SyncKind::Author)))
            .all(db)
            .await?
        {
            found.insert((SyncKind::Author, a.id), SyncItem::Author(a.into()));
        }
        for t in tags::Entity::find()
            .filter(tags::Column::Id.is_in(ids(SyncKind::Tag)))
            .all(db)
            .await?
        {
            found.insert((SyncKind::Tag, t.id), SyncItem::Tag(t.into()));
        }
        Ok(found)
    }
}

/// Where a page leaves the sync.
enum Next {
    More(Position),
    /// Caught up with the outbox at this event.
    Done(i64),
}

/// What an event changed, for a sync, with the slug it had: comments and
/// live entries change their article's public form.
fn touched(event: &Event) -> Option<((SyncKind, i64), String)> {
    let data = &event.data;
    let slug = |v: &serde_json::Value| v["slug"].as_str().unwrap_or_default().to_owned();
    let kind = match event.kind.subject() {
        Subject::Article => SyncKind::Article,
        Subject::Section => SyncKind::Section,
        Subject::Author => SyncKind::Author,
        Subject::Tag => SyncKind::Tag,
        Subject::Comment | Subject::LiveEntry => {
            let article = &data["article"];
            return Some(((SyncKind::Article, article["id"].as_i64()?), slug(article)));
        }
        Subject::Newsletter => return None,
    };
    Some(((kind, event.subject_id), slug(data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_and_refuse_edits() {
        let signer = TokenSigner::new(b"secret", "sync");
        for at in [
            Position::Initial {
                seq: 7,
                stage: 3,
                after: 120,
            },
            Position::Delta { seq: 42 },
        ] {
            let mark = Mark {
                at,
                began: 1_700_000_000,
            };
            let token = mark.encode(&signer);
            assert_eq!(Mark::decode(&signer, "cursor", &token).ok(), Some(mark));
        }
        let other = TokenSigner::new(b"another server", "sync");
        let token = Mark {
            at: Position::Delta { seq: 1 },
            began: 0,
        }
        .encode(&other);
        assert!(Mark::decode(&signer, "sync_token", &token).is_err());
    }
}
