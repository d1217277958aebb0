//! DataLoaders over the domain's batch reads: each kind of lookup a page makes becomes
//! one statement per batch, however many articles ask.

use std::collections::HashMap;
use std::sync::Arc;

use super::context::{ContextExt, TagCollector};
use super::error::GqlResult;
use crate::domain::article_parts::ArticleParts;
use crate::domain::articles::{ArticleBody, ArticleRow};
use crate::domain::authors::Author;
use crate::domain::comments::Comment;
use crate::domain::documents::stored_thread_page;
use crate::domain::more_like_this::SimilarTo;
use crate::domain::notes::Note;
use crate::domain::page::{Limit, Page, PageRequest};
use crate::domain::related_links::RelatedLink;
use crate::domain::relations::{Along, Relations};
use crate::domain::sections::SectionInfo;
use crate::domain::structured::Described;
use crate::domain::tags::Tag;
use crate::domain::{Reader, Tagged};
use crate::error::Error;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Lookahead};

/// One loader for every key type. Each request gets its own, with a cache
/// that lives as long as the request: what one list loaded, the next reuses,
/// and nothing outlives the request to go stale.
pub struct DomainLoader {
    reader: Reader,
    /// Where what each batch depends on is noted for the response's tags.
    tags: TagCollector,
}

/// The loader a request's resolvers share.
pub type RequestLoader = DataLoader<DomainLoader, HashMapCache>;

impl DomainLoader {
    pub fn for_request(reader: Reader, tags: TagCollector) -> RequestLoader {
        // No wait before a batch loads: async-graphql waits on async-io's
        // timer thread, and each wait cost two thread wake-ups and a
        // millisecond per batch. Lists load their items' relations in one
        // `load_many` each ([`prefetch`]), so batches do not depend on
        // sibling fields arriving within the wait.
        DataLoader::with_cache(
            DomainLoader { reader, tags },
            tokio::spawn,
            HashMapCache::default(),
        )
        .delay(std::time::Duration::ZERO)
    }

    /// A batch's value; what it depends on joins the response's tags.
    fn shown<T>(&self, read: Tagged<T>) -> T {
        self.tags.add_all(&read.tags);
        read.value
    }
}

macro_rules! keys {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub struct $name(pub i64);
        )*
    };
}

keys! {
    /// A section by id.
    SectionKey,
    /// The subsections of a section.
    ChildrenOf,
    /// An article's authors, in byline order.
    AuthorsOf,
    /// An article's tags.
    TagsOf,
    /// An article's public notes.
    NotesOf,
    /// An article's body and SEO fields.
    BodyOf,
    /// An article's JSON-LD and share metadata.
    DescribedOf,
    /// An article's related links.
    LinksOf,
    /// How many public comments an article has.
    CommentCountOf,
    /// A public article by id.
    ArticleKey,
    /// An author by id.
    AuthorKey,
    /// A tag by id.
    TagKey,
    /// A public comment by id, with its replies.
    CommentKey,
    /// A public related link by id.
    LinkKey,
}

/// A page of an article's comment threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ThreadsOf {
    pub article: i64,
    pub page: PageRequest,
}

/// At most `limit` articles like one, with the relations `along` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoreLikeThisOf {
    pub of: SimilarTo,
    pub limit: Limit,
    pub along: Along,
}

/// Articles like one, and what their statement read of their relations.
#[derive(Clone)]
pub struct Similar {
    pub rows: Vec<ArticleRow>,
    pub relations: Relations,
}

type Loaded<K, V> = Result<HashMap<K, V>, Arc<Error>>;

/// `keys` split by what they ask besides their article (a page size, a
/// cursor), so each such group is one batch read.
fn grouped<K, G, V>(keys: &[K], split: impl Fn(&K) -> (G, V)) -> HashMap<G, Vec<V>>
where
    G: std::hash::Hash + Eq,
{
    let mut groups: HashMap<G, Vec<V>> = HashMap::new();
    for key in keys {
        let (group, item) = split(key);
        groups.entry(group).or_default().push(item);
    }
    groups
}

fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|&k| id(k)).collect()
}

fn rekey<K, V>(map: HashMap<i64, V>, key: impl Fn(i64) -> K) -> HashMap<K, V>
where
    K: std::hash::Hash + Eq,
{
    map.into_iter().map(|(id, v)| (key(id), v)).collect()
}

/// Like [`rekey`], with an empty value for every key that found nothing, so
/// the cache remembers "none" and nobody asks the database again.
fn rekey_all<K, V>(keys: &[K], map: HashMap<i64, V>, key: impl Fn(i64) -> K) -> HashMap<K, V>
where
    K: std::hash::Hash + Eq + Copy,
    V: Default,
{
    let mut out = rekey(map, key);
    for k in keys {
        out.entry(*k).or_default();
    }
    out
}

impl Loader<SectionKey> for DomainLoader {
    type Value = SectionInfo;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[SectionKey]) -> Loaded<SectionKey, SectionInfo> {
        Ok(rekey(
            self.shown(self.reader.sections_by_id(&ids(keys, |k| k.0)).await?),
            SectionKey,
        ))
    }
}

impl Loader<ChildrenOf> for DomainLoader {
    type Value = Vec<SectionInfo>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ChildrenOf]) -> Loaded<ChildrenOf, Vec<SectionInfo>> {
        Ok(rekey_all(
            keys,
            self.shown(self.reader.subsections_of(&ids(keys, |k| k.0)).await?),
            ChildrenOf,
        ))
    }
}

impl Loader<AuthorsOf> for DomainLoader {
    type Value = Vec<Author>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[AuthorsOf]) -> Loaded<AuthorsOf, Vec<Author>> {
        Ok(rekey_all(
            keys,
            self.shown(self.reader.authors_of(&ids(keys, |k| k.0)).await?),
            AuthorsOf,
        ))
    }
}

impl Loader<TagsOf> for DomainLoader {
    type Value = Vec<Tag>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[TagsOf]) -> Loaded<TagsOf, Vec<Tag>> {
        Ok(rekey_all(
            keys,
            self.shown(self.reader.tags_of(&ids(keys, |k| k.0)).await?),
            TagsOf,
        ))
    }
}

impl Loader<NotesOf> for DomainLoader {
    type Value = Vec<Note>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[NotesOf]) -> Loaded<NotesOf, Vec<Note>> {
        Ok(rekey_all(
            keys,
            self.shown(self.reader.notes_of(&ids(keys, |k| k.0)).await?),
            NotesOf,
        ))
    }
}

impl Loader<DescribedOf> for DomainLoader {
    type Value = Arc<Described>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[DescribedOf]) -> Loaded<DescribedOf, Arc<Described>> {
        let described = self.shown(self.reader.described(&ids(keys, |k| k.0)).await?);
        Ok(described
            .into_iter()
            .map(|(id, d)| (DescribedOf(id), Arc::new(d)))
            .collect())
    }
}

impl Loader<BodyOf> for DomainLoader {
    type Value = Arc<ArticleBody>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[BodyOf]) -> Loaded<BodyOf, Arc<ArticleBody>> {
        let bodies = self.shown(self.reader.bodies_of(&ids(keys, |k| k.0)).await?);
        Ok(bodies
            .into_iter()
            .map(|(id, b)| (BodyOf(id), Arc::new(b)))
            .collect())
    }
}

impl Loader<LinksOf> for DomainLoader {
    type Value = Vec<RelatedLink>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[LinksOf]) -> Loaded<LinksOf, Vec<RelatedLink>> {
        Ok(rekey_all(
            keys,
            self.shown(self.reader.related_links_of(&ids(keys, |k| k.0)).await?),
            LinksOf,
        ))
    }
}

impl Loader<CommentCountOf> for DomainLoader {
    type Value = i64;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[CommentCountOf]) -> Loaded<CommentCountOf, i64> {
        Ok(rekey_all(
            keys,
            self.shown(self.reader.comment_counts_of(&ids(keys, |k| k.0)).await?),
            CommentCountOf,
        ))
    }
}

impl Loader<ThreadsOf> for DomainLoader {
    type Value = Page<Comment>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ThreadsOf]) -> Loaded<ThreadsOf, Page<Comment>> {
        let mut loaded = HashMap::new();
        for (page, articles) in grouped(keys, |k| (k.page, k.article)) {
            let threads = self.shown(self.reader.threads_of(&articles, &page).await?);
            loaded.extend(
                threads
                    .into_iter()
                    .map(|(article, threads)| (ThreadsOf { article, page }, threads)),
            );
        }
        Ok(loaded)
    }
}

impl Loader<MoreLikeThisOf> for DomainLoader {
    type Value = Similar;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[MoreLikeThisOf]) -> Loaded<MoreLikeThisOf, Similar> {
        let mut loaded = HashMap::new();
        for ((limit, along), articles) in grouped(keys, |k| ((k.limit, k.along), k.of)) {
            let (mut similar, relations) = self.shown(
                self.reader
                    .more_like_this_of(&articles, limit, along)
                    .await?,
            );
            loaded.extend(articles.into_iter().map(|of| {
                let rows = similar.remove(&of.article).unwrap_or_default();
                let similar = Similar {
                    relations: relations.of_rows(&rows),
                    rows,
                };
                (MoreLikeThisOf { of, limit, along }, similar)
            }));
        }
        Ok(loaded)
    }
}

impl Loader<ArticleKey> for DomainLoader {
    type Value = ArticleRow;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ArticleKey]) -> Loaded<ArticleKey, ArticleRow> {
        let rows = self.shown(self.reader.articles_by_id(&ids(keys, |k| k.0)).await?);
        Ok(rows.into_iter().map(|r| (ArticleKey(r.id.0), r)).collect())
    }
}

impl Loader<AuthorKey> for DomainLoader {
    type Value = Author;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[AuthorKey]) -> Loaded<AuthorKey, Author> {
        Ok(rekey(
            self.shown(self.reader.authors_by_id(&ids(keys, |k| k.0)).await?),
            AuthorKey,
        ))
    }
}

impl Loader<TagKey> for DomainLoader {
    type Value = Tag;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[TagKey]) -> Loaded<TagKey, Tag> {
        Ok(rekey(
            self.shown(self.reader.tags_by_id(&ids(keys, |k| k.0)).await?),
            TagKey,
        ))
    }
}

impl Loader<CommentKey> for DomainLoader {
    type Value = Comment;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[CommentKey]) -> Loaded<CommentKey, Comment> {
        Ok(rekey(
            self.shown(self.reader.comments_by_id(&ids(keys, |k| k.0)).await?),
            CommentKey,
        ))
    }
}

impl Loader<LinkKey> for DomainLoader {
    type Value = RelatedLink;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[LinkKey]) -> Loaded<LinkKey, RelatedLink> {
        Ok(rekey(
            self.shown(self.reader.related_links_by_id(&ids(keys, |k| k.0)).await?),
            LinkKey,
        ))
    }
}

/// Fields of `Article` that read its body row.
const BODY_FIELDS: [&str; 6] = [
    "updatedAt",
    "bodyMarkdown",
    "bodyHtml",
    "bodyBlocks",
    "seo",
    "commentsOpen",
];

/// Fields of `Article` that [`ArticleParts`] answers besides its row.
const PART_FIELDS: [&str; 6] = [
    "section",
    "authors",
    "tags",
    "commentCount",
    "relatedLinks",
    "comments",
];

/// Whether the article `item` selects asks for any part of it beyond its
/// row, so reading them all in one statement saves statements.
pub fn wants_parts(item: &Lookahead<'_>) -> bool {
    PART_FIELDS
        .iter()
        .chain(BODY_FIELDS.iter())
        .any(|f| item.field(f).exists())
}

/// Puts an article's parts where its fields look for them, in the
/// request's loader, so none is read again; gives back its row.
pub async fn feed_parts(
    ctx: &Context<'_>,
    parts: ArticleParts,
) -> async_graphql::Result<ArticleRow> {
    let loader = ctx.loader()?;
    let id = parts.row.id.0;
    if let Some(section) = parts.section {
        loader.feed_one(SectionKey(section.id.0), section).await;
    }
    if let Some(parent) = parts.parent {
        loader.feed_one(SectionKey(parent.id.0), parent).await;
    }
    loader.feed_one(BodyOf(id), Arc::new(parts.body)).await;
    loader.feed_one(AuthorsOf(id), parts.authors).await;
    loader.feed_one(TagsOf(id), parts.tags).await;
    loader.feed_one(LinksOf(id), parts.links).await;
    loader
        .feed_one(CommentCountOf(id), parts.comment_count)
        .await;
    let first_page = ThreadsOf {
        article: id,
        page: stored_thread_page(),
    };
    loader.feed_one(first_page, parts.threads).await;
    Ok(parts.row)
}

/// Which relations the article `item` selects asks for that a list's own
/// statement can read along with its rows.
pub fn along(item: &Lookahead<'_>) -> Along {
    Along {
        section: item.field("section").exists(),
        authors: item.field("authors").exists(),
        tags: item.field("tags").exists(),
    }
}

/// [`along`] for the items of an article connection `connection` selects,
/// through its edges or its nodes.
pub fn along_connection(connection: &Lookahead<'_>) -> Along {
    let (edges, nodes) = (
        along(&connection.field("edges").field("node")),
        along(&connection.field("nodes")),
    );
    Along {
        section: edges.section || nodes.section,
        authors: edges.authors || nodes.authors,
        tags: edges.tags || nodes.tags,
    }
}

/// Puts what a list's statement read of its articles' relations where the
/// articles' fields look for them, in the request's loader.
pub async fn feed_relations(ctx: &Context<'_>, relations: &Relations) -> async_graphql::Result<()> {
    let loader = ctx.loader()?;
    loader
        .feed_many(
            relations
                .sections
                .iter()
                .map(|s| (SectionKey(s.id.0), s.clone())),
        )
        .await;
    loader
        .feed_many(
            relations
                .authors
                .iter()
                .map(|(&id, authors)| (AuthorsOf(id), authors.clone())),
        )
        .await;
    loader
        .feed_many(
            relations
                .tags
                .iter()
                .map(|(&id, tags)| (TagsOf(id), tags.clone())),
        )
        .await;
    Ok(())
}

/// Loads, for a whole list at once, what the list's items ask for, so each
/// item's own lookups are answered from the request's cache: one statement
/// per relation per list, whatever the list's length.
pub async fn prefetch(
    ctx: &Context<'_>,
    rows: &[ArticleRow],
    item: Lookahead<'_>,
) -> async_graphql::Result<()> {
    if rows.is_empty() || !item.exists() {
        return Ok(());
    }
    let loader = ctx.loader()?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
    let wants = |field: &str| item.field(field).exists();
    let sections = async {
        if wants("section") {
            let sections = loader
                .load_many(rows.iter().map(|r| SectionKey(r.section_id)))
                .await?;
            if item.field("section").field("parent").exists() {
                loader
                    .load_many(
                        sections
                            .values()
                            .filter_map(|s| s.parent_id)
                            .map(SectionKey),
                    )
                    .await?;
            }
        }
        Ok::<_, Arc<Error>>(())
    };
    let authors = async {
        if wants("authors") {
            loader.load_many(ids.iter().copied().map(AuthorsOf)).await?;
        }
        Ok(())
    };
    let tags = async {
        if wants("tags") {
            loader.load_many(ids.iter().copied().map(TagsOf)).await?;
        }
        Ok(())
    };
    let bodies = async {
        if BODY_FIELDS.iter().any(|f| wants(f)) {
            loader.load_many(ids.iter().copied().map(BodyOf)).await?;
        }
        Ok(())
    };
    let counts = async {
        if wants("commentCount") {
            loader
                .load_many(ids.iter().copied().map(CommentCountOf))
                .await?;
        }
        Ok(())
    };
    let links = async {
        if wants("relatedLinks") {
            loader.load_many(ids.iter().copied().map(LinksOf)).await?;
        }
        Ok(())
    };
    tokio::try_join!(sections, authors, tags, bodies, counts, links).gql()?;
    Ok(())
}
