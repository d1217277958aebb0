//! Article bodies: Markdown in, sanitized HTML and structured blocks out.
//! Rendering happens once, when an article is saved, never per read.
//!
//! Sanitizing is done on the event stream rather than on the HTML: raw HTML in
//! the source is shown as text, and links or images whose scheme could run
//! code are dropped, so the renderer can only ever emit the tags Markdown has.

mod blocks;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

use blocks::BlockBuilder;

/// Words a reader gets through per minute, for the reading-time estimate.
const WORDS_PER_MINUTE: usize = 200;

/// What an article body turns into on save.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub blocks: Vec<Block>,
    pub reading_time_minutes: i32,
}

/// One block of a body, for native apps that lay text out themselves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Span>>,
    },
    Quote {
        spans: Vec<Span>,
    },
    Code {
        text: String,
    },
    Image {
        url: String,
        alt: String,
        title: Option<String>,
    },
}

/// A run of inline text with one set of marks, possibly a link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Mark>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Strong,
    Emphasis,
    Strikethrough,
    Code,
}

/// Renders a Markdown body into HTML, blocks and a reading time.
pub fn render(markdown: &str) -> Rendered {
    let events = sanitize(Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, events.iter().cloned());
    let words: usize = events
        .iter()
        .map(|e| match e {
            Event::Text(t) | Event::Code(t) => t.split_whitespace().count(),
            _ => 0,
        })
        .sum();
    Rendered {
        html,
        blocks: BlockBuilder::default().build(events),
        reading_time_minutes: words.div_ceil(WORDS_PER_MINUTE).max(1) as i32,
    }
}

/// The blocks stored with an article at save time. They are only ever
/// written by [`render`], so one that does not parse is a fault of ours.
pub fn stored_blocks(
    article_id: super::ids::ArticleId,
    stored: &str,
) -> crate::error::Result<Vec<Block>> {
    serde_json::from_str(stored).map_err(|e| {
        crate::error::Error::Internal(format!(
            "stored body blocks of article {article_id} do not parse: {e}"
        ))
    })
}

/// True for URLs a browser will not execute: http(s), mailto, or relative.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            matches!(&cleaned[..i], "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn sanitize<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut dropping_link = false;
    let mut dropping_image = 0usize;
    for event in parser {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                if dropping_image == 0 {
                    out.push(Event::Text(raw));
                }
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(Tag::Link { ref dest_url, .. }) if !is_safe_url(dest_url) => {
                dropping_link = true;
            }
            Event::End(TagEnd::Link) if dropping_link => dropping_link = false,
            Event::Start(Tag::Image { ref dest_url, .. }) if !is_safe_url(dest_url) => {
                dropping_image += 1;
            }
            Event::Start(Tag::Image { .. }) if dropping_image > 0 => dropping_image += 1,
            Event::End(TagEnd::Image) if dropping_image > 0 => dropping_image -= 1,
            _ if dropping_image > 0 => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Span {
        Span {
            text: text.into(),
            href: None,
            marks: vec![],
        }
    }

    #[test]
    fn headings_paragraphs_and_lists_become_blocks() {
        let r =
            render("## What happened\n\nTalks ended.\n\n- First point\n- Second **bold** point\n");
        assert_eq!(
            r.blocks,
            vec![
                Block::Heading {
                    level: 2,
                    spans: vec![plain("What happened")]
                },
                Block::Paragraph {
                    spans: vec![plain("Talks ended.")]
                },
                Block::List {
                    ordered: false,
                    items: vec![
                        vec![plain("First point")],
                        vec![
                            plain("Second "),
                            Span {
                                text: "bold".into(),
                                href: None,
                                marks: vec![Mark::Strong]
                            },
                            plain(" point")
                        ],
                    ]
                },
            ]
        );
        assert!(r.html.contains("<h2>What happened</h2>"));
        assert!(r.html.contains("<li>First point</li>"));
    }

    #[test]
    fn links_become_spans_with_href() {
        let r = render("Read [the report](https://example.org/r) today.");
        let Block::Paragraph { spans } = &r.blocks[0] else {
            panic!("expected a paragraph");
        };
        assert_eq!(spans[1].href.as_deref(), Some("https://example.org/r"));
        assert_eq!(spans[1].text, "the report");
    }

    #[test]
    fn raw_html_is_shown_as_text_never_as_markup() {
        let r = render(
            "Hello <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick=x>block</div>\n",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(!r.html.contains("<div"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    }

    #[test]
    fn script_urls_are_dropped_from_links_and_images() {
        let r = render(
            "[click](javascript:alert(1)) [x](JaVa\tScRiPt:alert(1)) ![i](data:text/html,x)",
        );
        assert!(
            !r.html.to_ascii_lowercase().contains("javascript"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("data:"), "{}", r.html);
        assert!(r.html.contains("click"));
    }

    #[test]
    fn safe_urls_are_http_mailto_or_relative() {
        for ok in [
            "https://a.b/c",
            "http://x",
            "mailto:a@b.c",
            "/path",
            "#frag",
            "page?q=a:b",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:x",
            " javascript:x",
            "vbscript:x",
            "data:x",
            "file:///etc",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn images_become_image_blocks() {
        let r = render("![A crowd](https://img.example/c.jpg \"Rally\")");
        assert_eq!(
            r.blocks,
            vec![Block::Image {
                url: "https://img.example/c.jpg".into(),
                alt: "A crowd".into(),
                title: Some("Rally".into())
            }]
        );
    }

    #[test]
    fn reading_time_counts_words_at_two_hundred_a_minute() {
        assert_eq!(render("word ").reading_time_minutes, 1);
        assert_eq!(render(&"word ".repeat(401)).reading_time_minutes, 3);
    }

    #[test]
    fn quotes_and_code_become_blocks() {
        let r = render("> Time is short.\n\n```\nlet x = 1;\n```\n");
        assert_eq!(
            r.blocks,
            vec![
                Block::Quote {
                    spans: vec![plain("Time is short.")]
                },
                Block::Code {
                    text: "let x = 1;\n".into()
                }
            ]
        );
    }
}
