//! The demo's newsroom workflow: a live article with entries, a published
//! brief carrying a correction, and a preview link to a draft printed at
//! start-up, so each can be tried against the demo at once.

use chrono::{DateTime, Duration, Utc};

use super::newsroom::{OPERATOR, publish};
use crate::domain::Newsdesk;
use crate::domain::ids::{ArticleId, Slug};
use crate::domain::live::EntryFields;
use crate::domain::notes::NoteFields;
use crate::domain::previews::PreviewLink;
use crate::domain::publishing::{self, ArticleFields};
use crate::error::Result;

/// The demo's live article.
pub const LIVE_SLUG: &str = "live-storm-reaches-the-coast";
/// The demo draft whose preview link start-up prints.
pub const PREVIEW_DRAFT_SLUG: &str = "draft-port-district-reconstruction-costs";

/// Entries of the live article, oldest first: (author, pinned, Markdown).
const ENTRIES: [(&str, bool, &str); 5] = [
    (
        "leila-haddad",
        false,
        "The weather service raised its warning to the highest level for the northern coast. Ferries are suspended until further notice.",
    ),
    (
        "kenji-watanabe",
        false,
        "Gusts of **110 km/h** were measured at the harbour mouth. Port authorities have closed the outer quays.",
    ),
    (
        "leila-haddad",
        false,
        "Schools in three districts will stay closed tomorrow:\n\n- Harbourside\n- Old Town\n- North Point",
    ),
    (
        "kenji-watanabe",
        false,
        "Power has been cut to about 12,000 homes, the grid operator says; crews are waiting for the wind to drop.",
    ),
    (
        "leila-haddad",
        true,
        "**What we know so far:** the storm made landfall shortly after noon. No injuries have been reported. Stay away from the seafront.",
    ),
];

/// Seeds the live article with its entries, and a correction on `corrected`.
pub(super) async fn seed(desk: &Newsdesk, now: DateTime<Utc>, corrected: ArticleId) -> Result<()> {
    let live = publish(
        desk,
        ArticleFields {
            slug: Some(LIVE_SLUG.to_owned()),
            title: Some("Live: Storm Reaches the Coast as Ferries Stop and Schools Close".to_owned()),
            excerpt: Some("Follow the storm as it moves along the northern coast: warnings, closures and what to do.".to_owned()),
            body_markdown: Some(
                "The season's first major storm is moving along the northern coast. This page follows it as it happens; the newest entries are at the top.\n\n## How to stay safe\n\n- Keep away from the seafront and the harbour walls\n- Charge phones and keep a torch at hand\n- Check ferry and school notices before travelling\n".to_owned(),
            ),
            section: Some("world".to_owned()),
            authors: Some(vec!["leila-haddad".to_owned(), "kenji-watanabe".to_owned()]),
            tags: Some(vec!["analysis".to_owned()]),
            comments_open: Some(true),
            live: Some(true),
            ..ArticleFields::default()
        },
        now - Duration::hours(2),
    )
    .await?;
    for (author, pinned, text) in ENTRIES {
        desk.add_live_entry(
            OPERATOR,
            live.id,
            EntryFields {
                body_markdown: Some(text.to_owned()),
                author: Some(author.to_owned()),
                pinned: Some(pinned),
            },
        )
        .await?;
    }
    desk.add_note(
        OPERATOR,
        corrected,
        NoteFields {
            kind: Some("correction".to_owned()),
            body_markdown: Some(
                "An earlier version of this article gave the wrong date for the next round of talks. It is Thursday, not Tuesday.".to_owned(),
            ),
        },
    )
    .await?;
    Ok(())
}

/// A fresh preview link to the demo draft, if the demo is there.
pub async fn preview_link(desk: &Newsdesk) -> Result<Option<PreviewLink>> {
    let slug = Slug::parse(PREVIEW_DRAFT_SLUG)
        .map_err(|m| crate::error::Error::Internal(m.to_string()))?;
    let Some(id) = publishing::id_by_slug(desk, OPERATOR, &slug).await? else {
        return Ok(None);
    };
    Ok(Some(desk.mint_preview_link(OPERATOR, id).await?))
}
