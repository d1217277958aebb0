//! An article body as typed blocks, for clients that lay text out themselves.

use async_graphql::{Enum, SimpleObject, Union};

use crate::domain::markdown;

/// A run of text with one set of marks; a link when `href` is set.
#[derive(SimpleObject, Clone)]
pub struct Span {
    pub text: String,
    pub href: Option<String>,
    pub marks: Vec<Mark>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Strong,
    Emphasis,
    Strikethrough,
    Code,
}

#[derive(SimpleObject, Clone)]
pub struct HeadingBlock {
    /// 1 to 6, as in HTML.
    pub level: i32,
    pub spans: Vec<Span>,
}

#[derive(SimpleObject, Clone)]
pub struct ParagraphBlock {
    pub spans: Vec<Span>,
}

#[derive(SimpleObject, Clone)]
pub struct ListBlock {
    pub ordered: bool,
    /// One list of spans per item.
    pub items: Vec<Vec<Span>>,
}

#[derive(SimpleObject, Clone)]
pub struct QuoteBlock {
    pub spans: Vec<Span>,
}

#[derive(SimpleObject, Clone)]
pub struct CodeBlock {
    pub text: String,
}

#[derive(SimpleObject, Clone)]
pub struct ImageBlock {
    pub url: String,
    pub alt: String,
    pub title: Option<String>,
}

/// One block of an article body.
#[derive(Union, Clone)]
pub enum Block {
    Heading(HeadingBlock),
    Paragraph(ParagraphBlock),
    List(ListBlock),
    Quote(QuoteBlock),
    Code(CodeBlock),
    Image(ImageBlock),
}

fn spans(spans: Vec<markdown::Span>) -> Vec<Span> {
    spans
        .into_iter()
        .map(|s| Span {
            text: s.text,
            href: s.href,
            marks: s
                .marks
                .into_iter()
                .map(|m| match m {
                    markdown::Mark::Strong => Mark::Strong,
                    markdown::Mark::Emphasis => Mark::Emphasis,
                    markdown::Mark::Strikethrough => Mark::Strikethrough,
                    markdown::Mark::Code => Mark::Code,
                })
                .collect(),
        })
        .collect()
}

impl From<markdown::Block> for Block {
    fn from(block: markdown::Block) -> Self {
        match block {
            markdown::Block::Heading { level, spans: s } => Block::Heading(HeadingBlock {
                level: i32::from(level),
                spans: spans(s),
            }),
            markdown::Block::Paragraph { spans: s } => {
                Block::Paragraph(ParagraphBlock { spans: spans(s) })
            }
            markdown::Block::List { ordered, items } => Block::List(ListBlock {
                ordered,
                items: items.into_iter().map(spans).collect(),
            }),
            markdown::Block::Quote { spans: s } => Block::Quote(QuoteBlock { spans: spans(s) }),
            markdown::Block::Code { text } => Block::Code(CodeBlock { text }),
            markdown::Block::Image { url, alt, title } => {
                Block::Image(ImageBlock { url, alt, title })
            }
        }
    }
}
