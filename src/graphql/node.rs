//! Relay object identification: opaque global ids, the `Node` interface,
//! and `Query.node` / `Query.nodes`.

use async_graphql::futures_util::future::try_join_all;
use async_graphql::{Context, ID, Interface, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::articles::Article;
use super::comments::Comment;
use super::context::ContextExt;
use super::error::{GqlResult, code, coded};
use super::loaders::{ArticleKey, AuthorKey, CommentKey, LinkKey, SectionKey, TagKey};
use super::related_links::RelatedLink;
use super::sections::Section;
use super::taxonomy::{Author, Tag};

/// The most ids one `nodes` call may ask for.
pub const MAX_NODES: usize = 100;

/// The kinds of object a global id can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Article,
    Section,
    Author,
    Tag,
    Comment,
    RelatedLink,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Section,
        Kind::Author,
        Kind::Tag,
        Kind::Comment,
        Kind::RelatedLink,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Article => "Article",
            Kind::Section => "Section",
            Kind::Author => "Author",
            Kind::Tag => "Tag",
            Kind::Comment => "Comment",
            Kind::RelatedLink => "RelatedLink",
        }
    }
}

/// The global id of a database row of this kind.
pub fn global_id(kind: Kind, id: impl Into<i64>) -> ID {
    let id: i64 = id.into();
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// The number behind the id of something that is not a `Node` (a revision,
/// a note, a live entry): positive, or BAD_USER_INPUT naming `what`.
pub fn plain_id(id: &ID, what: &str) -> async_graphql::Result<i64> {
    id.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        super::error::coded(
            format!("not a {what} id"),
            super::error::code::BAD_USER_INPUT,
        )
    })
}

/// Reads a global id; anything this server did not make is `None`.
pub fn parse_global_id(id: &str) -> Option<(Kind, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, raw) = text.split_once(':')?;
    let kind = Kind::ALL.into_iter().find(|k| k.name() == name)?;
    let id = raw.parse::<i64>().ok().filter(|id| *id > 0)?;
    Some((kind, id))
}

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "An opaque id, unique across every type."
))]
pub enum Node {
    Article(Article),
    Section(Section),
    Author(Author),
    Tag(Tag),
    Comment(Comment),
    RelatedLink(RelatedLink),
}

#[derive(Default)]
pub struct NodeQuery;

async fn load_node(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let (kind, id) = parse_global_id(id)
        .ok_or_else(|| coded("not an id this API handed out", code::BAD_USER_INPUT))?;
    let loader = ctx.loader()?;
    Ok(match kind {
        Kind::Article => loader
            .load_one(ArticleKey(id))
            .await
            .gql()?
            .map(|r| Node::Article(Article(r))),
        Kind::Section => loader
            .load_one(SectionKey(id))
            .await
            .gql()?
            .map(|s| Node::Section(Section(s))),
        Kind::Author => loader
            .load_one(AuthorKey(id))
            .await
            .gql()?
            .map(|a| Node::Author(Author(a))),
        Kind::Tag => loader
            .load_one(TagKey(id))
            .await
            .gql()?
            .map(|t| Node::Tag(Tag(t))),
        Kind::Comment => loader
            .load_one(CommentKey(id))
            .await
            .gql()?
            .map(|c| Node::Comment(Comment(c))),
        Kind::RelatedLink => loader
            .load_one(LinkKey(id))
            .await
            .gql()?
            .map(|l| Node::RelatedLink(RelatedLink(l))),
    })
}

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when nothing public has that id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        load_node(ctx, &id).await
    }

    /// Objects by global id, in the order asked (at most 100); null for each unknown id.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(coded(
                format!("ask for at most {MAX_NODES} ids"),
                code::BAD_USER_INPUT,
            ));
        }
        // Loaders batch the lookups in flight together, so start them all at once.
        try_join_all(ids.iter().map(|id| load_node(ctx, id))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip() {
        let id = global_id(Kind::Comment, 42);
        assert_eq!(parse_global_id(&id), Some((Kind::Comment, 42)));
    }

    #[test]
    fn foreign_ids_are_rejected() {
        for bad in [
            "",
            "42",
            "QXJ0aWNsZQ",
            &URL_SAFE_NO_PAD.encode("Planet:1"),
            &URL_SAFE_NO_PAD.encode("Article:-1"),
        ] {
            assert_eq!(parse_global_id(bad), None, "{bad}");
        }
    }
}
