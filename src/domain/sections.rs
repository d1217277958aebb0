//! Sections: the site's menu tree, and the articles filed under each.

use crate::domain::ids::SectionId;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};

use super::batch::{self, SectionRef};
use super::ids::Slug;
use crate::db::entities::sections;
use crate::error::{Error, Resource, Result};

/// A section by itself: what the GraphQL face and the node lookup load.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult, serde::Deserialize)]
pub struct SectionInfo {
    pub id: SectionId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i64>,
}

impl From<&sections::Model> for SectionInfo {
    fn from(s: &sections::Model) -> Self {
        SectionInfo {
            id: SectionId(s.id),
            slug: s.slug.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            parent_id: s.parent_id,
        }
    }
}

/// A section in the menu tree, with its subsections in menu order.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionNode {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub children: Vec<SectionNode>,
}

/// One section, where it sits in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent: Option<SectionRef>,
    pub children: Vec<SectionRef>,
}

async fn all(db: &impl ConnectionTrait) -> Result<Vec<sections::Model>> {
    Ok(sections::Entity::find()
        .order_by_asc(sections::Column::Position)
        .order_by_asc(sections::Column::Name)
        .all(db)
        .await?)
}

/// Every section as a tree: top-level sections in menu order, each with its own.
pub async fn section_tree(db: &impl ConnectionTrait) -> Result<Vec<SectionNode>> {
    let all = all(db).await?;
    Ok(children_of(&all, None))
}

fn children_of(all: &[sections::Model], parent: Option<i64>) -> Vec<SectionNode> {
    all.iter()
        .filter(|s| s.parent_id == parent)
        .map(|s| SectionNode {
            slug: s.slug.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            children: children_of(all, Some(s.id)),
        })
        .collect()
}

/// One section with its parent and subsections.
pub async fn get_section(db: &impl ConnectionTrait, slug: &Slug) -> Result<Section> {
    let all = all(db).await?;
    let section = all
        .iter()
        .find(|s| s.slug == slug.as_str())
        .ok_or(Error::NotFound(Resource::Section))?;
    let as_ref = |s: &sections::Model| SectionRef {
        slug: s.slug.clone(),
        name: s.name.clone(),
    };
    Ok(Section {
        slug: section.slug.clone(),
        name: section.name.clone(),
        description: section.description.clone(),
        parent: section
            .parent_id
            .and_then(|p| all.iter().find(|s| s.id == p))
            .map(as_ref),
        children: all
            .iter()
            .filter(|s| s.parent_id == Some(section.id))
            .map(as_ref)
            .collect(),
    })
}

/// The ids of a section and of every section below it.
pub(crate) async fn subtree_ids(db: &impl ConnectionTrait, slug: &Slug) -> Result<Vec<i64>> {
    let all = all(db).await?;
    let root = all
        .iter()
        .find(|s| s.slug == slug.as_str())
        .ok_or(Error::NotFound(Resource::Section))?;
    Ok(descendants(&all, root.id))
}

/// The id of the section `id` and of every section below it, in one statement.
pub(crate) async fn subtree_of(db: &impl ConnectionTrait, id: SectionId) -> Result<Vec<i64>> {
    let all = all(db).await?;
    if !all.iter().any(|s| s.id == id.0) {
        return Err(Error::NotFound(Resource::Section));
    }
    Ok(descendants(&all, id.0))
}

/// `root` and every section below it, nearest first.
fn descendants(all: &[sections::Model], root: i64) -> Vec<i64> {
    let mut ids = vec![root];
    let mut next = 0;
    while next < ids.len() {
        let parent = ids[next];
        ids.extend(
            all.iter()
                .filter(|s| s.parent_id == Some(parent))
                .map(|s| s.id),
        );
        next += 1;
    }
    ids
}

/// One section by slug.
pub async fn find_section(db: &impl ConnectionTrait, slug: &Slug) -> Result<SectionInfo> {
    all(db)
        .await?
        .iter()
        .find(|s| s.slug == slug.as_str())
        .map(SectionInfo::from)
        .ok_or(Error::NotFound(Resource::Section))
}

/// Every section, top-level ones first, each level in menu order.
pub async fn all_sections(db: &impl ConnectionTrait) -> Result<Vec<SectionInfo>> {
    Ok(all(db).await?.iter().map(SectionInfo::from).collect())
}

/// The subsections of each section, in menu order.
pub async fn children_of_ids(
    db: &impl ConnectionTrait,
    parents: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<SectionInfo>>> {
    let children = sections::Entity::find()
        .filter(sections::Column::ParentId.is_in(batch::dedup(parents)))
        .order_by_asc(sections::Column::Position)
        .order_by_asc(sections::Column::Name)
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<SectionInfo>> =
        std::collections::HashMap::new();
    for child in &children {
        if let Some(parent) = child.parent_id {
            out.entry(parent)
                .or_default()
                .push(SectionInfo::from(child));
        }
    }
    Ok(out)
}
