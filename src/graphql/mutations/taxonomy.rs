//! Section, author and tag mutations.

use async_graphql::{Context, ID, InputObject, Object};

use super::id_of;
use crate::domain::ids::{AuthorId, SectionId, TagId};
use crate::domain::taxonomy::{self, AuthorFields, SectionFields, TagFields};
use crate::graphql::context::ContextExt;
use crate::graphql::error::GqlResult;
use crate::graphql::node::Kind;
use crate::graphql::sections::Section;
use crate::graphql::taxonomy::{Author, Tag};

/// A section's fields; when updating, omitted fields are kept.
#[derive(InputObject)]
pub struct SectionInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The parent's slug; an empty string makes the section top-level.
    pub parent: Option<String>,
    pub position: Option<i32>,
}

/// An author's fields; when updating, omitted fields are kept.
#[derive(InputObject)]
pub struct AuthorInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    /// An empty string removes the avatar.
    pub avatar_url: Option<String>,
}

/// A tag's fields; when updating, omitted fields are kept.
#[derive(InputObject)]
pub struct TagInput {
    pub slug: Option<String>,
    pub name: Option<String>,
}

impl From<SectionInput> for SectionFields {
    fn from(i: SectionInput) -> Self {
        SectionFields {
            slug: i.slug,
            name: i.name,
            description: i.description,
            parent: i.parent,
            position: i.position,
        }
    }
}

impl From<AuthorInput> for AuthorFields {
    fn from(i: AuthorInput) -> Self {
        AuthorFields {
            slug: i.slug,
            name: i.name,
            bio: i.bio,
            avatar_url: i.avatar_url,
        }
    }
}

impl From<TagInput> for TagFields {
    fn from(i: TagInput) -> Self {
        TagFields {
            slug: i.slug,
            name: i.name,
        }
    }
}

#[derive(Default)]
pub struct TaxonomyMutations;

#[Object]
impl TaxonomyMutations {
    async fn create_section(
        &self,
        ctx: &Context<'_>,
        input: SectionInput,
    ) -> async_graphql::Result<Section> {
        Ok(Section(
            taxonomy::create_section(ctx.desk(), ctx.actor(), input.into())
                .await
                .gql()?,
        ))
    }

    async fn update_section(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SectionInput,
    ) -> async_graphql::Result<Section> {
        let id = SectionId(id_of(Kind::Section, &id)?);
        Ok(Section(
            taxonomy::update_section(ctx.desk(), ctx.actor(), id, input.into())
                .await
                .gql()?,
        ))
    }

    /// Deletes a section no article or subsection uses (else CONFLICT).
    async fn delete_section(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = SectionId(id_of(Kind::Section, &id)?);
        taxonomy::delete_section(ctx.desk(), ctx.actor(), id)
            .await
            .gql()?;
        Ok(true)
    }

    async fn create_author(
        &self,
        ctx: &Context<'_>,
        input: AuthorInput,
    ) -> async_graphql::Result<Author> {
        Ok(Author(
            taxonomy::create_author(ctx.desk(), ctx.actor(), input.into())
                .await
                .gql()?,
        ))
    }

    async fn update_author(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: AuthorInput,
    ) -> async_graphql::Result<Author> {
        let id = AuthorId(id_of(Kind::Author, &id)?);
        Ok(Author(
            taxonomy::update_author(ctx.desk(), ctx.actor(), id, input.into())
                .await
                .gql()?,
        ))
    }

    /// Deletes an author no article credits (else CONFLICT).
    async fn delete_author(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = AuthorId(id_of(Kind::Author, &id)?);
        taxonomy::delete_author(ctx.desk(), ctx.actor(), id)
            .await
            .gql()?;
        Ok(true)
    }

    async fn create_tag(&self, ctx: &Context<'_>, input: TagInput) -> async_graphql::Result<Tag> {
        Ok(Tag(taxonomy::create_tag(
            ctx.desk(),
            ctx.actor(),
            input.into(),
        )
        .await
        .gql()?))
    }

    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: TagInput,
    ) -> async_graphql::Result<Tag> {
        let id = TagId(id_of(Kind::Tag, &id)?);
        Ok(Tag(taxonomy::update_tag(
            ctx.desk(),
            ctx.actor(),
            id,
            input.into(),
        )
        .await
        .gql()?))
    }

    /// Deletes a tag; articles simply lose it.
    async fn delete_tag(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = TagId(id_of(Kind::Tag, &id)?);
        taxonomy::delete_tag(ctx.desk(), ctx.actor(), id)
            .await
            .gql()?;
        Ok(true)
    }
}
