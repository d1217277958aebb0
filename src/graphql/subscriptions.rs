//! The subscription root: public changes to one published article, as they
//! happen — over WebSocket (`graphql-transport-ws`) or Server-Sent Events
//! (`graphql-sse`), see `streaming`. Each event is read again through the
//! read policy before it is sent, so a subscriber hears only what the
//! public may see at that moment.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::futures_util::Stream;
use async_graphql::futures_util::stream;
use async_graphql::{Context, Subscription as SubscriptionRoot};
use tokio::sync::broadcast::{self, error::RecvError};

use super::articles::Article;
use super::comments::Comment;
use super::context::ContextExt;
use super::error::{GqlResult, code, coded};
use super::live::LiveEntry;
use crate::domain::actor::Actor;
use crate::domain::events::PublicEvent;
use crate::domain::ids::{ArticleId, Slug};
use crate::domain::{Newsdesk, Reader};
use crate::error::Resource;

/// Subscriptions one connection may hold open at once.
pub const MAX_PER_CONNECTION: usize = 10;

/// The subscriptions open on one connection, counted so that one client
/// cannot hold the server's fan-out open without bound.
#[derive(Clone, Debug, Default)]
pub struct SubscriptionBudget(Arc<AtomicUsize>);

impl SubscriptionBudget {
    /// How many are open now.
    pub fn open(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    fn claim(&self) -> async_graphql::Result<Slot> {
        let claimed = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |open| {
                (open < MAX_PER_CONNECTION).then_some(open + 1)
            });
        match claimed {
            Ok(_) => Ok(Slot(self.0.clone())),
            Err(_) => Err(coded(
                format!("at most {MAX_PER_CONNECTION} subscriptions per connection"),
                code::RATE_LIMITED,
            )),
        }
    }
}

/// One claimed place in a connection's budget, given back when the
/// subscription's stream is dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A subscription to one article's public events.
struct Watch {
    desk: Newsdesk,
    actor: Actor,
    article: ArticleId,
    events: broadcast::Receiver<PublicEvent>,
    _slot: Option<Slot>,
}

impl Watch {
    /// Starts watching the published article `slug`; a missing one is NOT_FOUND.
    async fn start(ctx: &Context<'_>, slug: &str) -> async_graphql::Result<Watch> {
        let slot = ctx
            .data_opt::<SubscriptionBudget>()
            .map(SubscriptionBudget::claim)
            .transpose()?;
        let desk = ctx.desk().clone();
        let actor = ctx.actor().clone();
        let slug = Slug::parse_address(slug, Resource::Article).gql()?;
        let article = desk
            .reader(&actor)
            .gql()?
            .article_row(&slug)
            .await
            .gql()?
            .value
            .id;
        let events = desk.subscribe_events().await.gql()?;
        Ok(Watch {
            desk,
            actor,
            article,
            events,
            _slot: slot,
        })
    }

    /// The items `pick` makes of this article's events, read at the moment
    /// each arrives. A subscriber that fell behind skips what it missed; the
    /// stream ends if the caller may no longer read.
    fn into_stream<T, F, Fut>(self, pick: F) -> impl Stream<Item = T>
    where
        F: Fn(Reader, PublicEvent) -> Fut + Send + 'static,
        Fut: Future<Output = Option<T>> + Send,
        T: Send + 'static,
    {
        stream::unfold((self, pick), |(mut watch, pick)| async move {
            loop {
                match watch.events.recv().await {
                    Ok(event) if event.article() == watch.article => {
                        let reader = watch.desk.reader(&watch.actor).ok()?;
                        if let Some(item) = pick(reader, event).await {
                            return Some((item, (watch, pick)));
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        })
    }
}

#[derive(Default)]
pub struct Subscription;

#[SubscriptionRoot]
impl Subscription {
    /// Each entry added to the live coverage of the published article `slug`.
    async fn live_entry_added(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<impl Stream<Item = LiveEntry>> {
        Ok(Watch::start(ctx, &slug)
            .await?
            .into_stream(|reader, event| async move {
                let PublicEvent::LiveEntryAdded { entry, .. } = event else {
                    return None;
                };
                reader.live_entry(entry).await.ok().flatten().map(LiveEntry)
            }))
    }

    /// Each comment on the published article `slug` as it is approved.
    async fn comment_approved(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<impl Stream<Item = Comment>> {
        Ok(Watch::start(ctx, &slug)
            .await?
            .into_stream(|reader, event| async move {
                let PublicEvent::CommentApproved { comment, .. } = event else {
                    return None;
                };
                let mut found = reader.comments_by_id(&[comment]).await.ok()?.value;
                found.remove(&comment).map(Comment)
            }))
    }

    /// The published article `slug` each time its public text, links or
    /// status change.
    async fn article_updated(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<impl Stream<Item = Article>> {
        Ok(Watch::start(ctx, &slug)
            .await?
            .into_stream(|reader, event| async move {
                let PublicEvent::ArticleUpdated { article } = event else {
                    return None;
                };
                let rows = reader.articles_by_id(&[article.0]).await.ok()?.value;
                rows.into_iter().next().map(Article)
            }))
    }
}
