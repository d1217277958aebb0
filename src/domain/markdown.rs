//! Article bodies: Markdown in, sanitized HTML and structured blocks out.
//! Rendering happens once, when an article is saved, never per read.
//!
//! Sanitizing is done on the event stream rather than on the HTML: raw HTML in
//! the source is shown as text, and links or images whose scheme could run
//! code are dropped, so the renderer can only ever emit the tags Markdown has.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

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

#[derive(Default)]
struct BlockBuilder {
    blocks: Vec<Block>,
    spans: Vec<Span>,
    marks: Vec<Mark>,
    href: Option<String>,
    lists: Vec<(bool, Vec<Vec<Span>>)>,
    quote_depth: usize,
    code: Option<String>,
    image: Option<(String, Option<String>, String)>,
    pending_images: Vec<Block>,
}

impl BlockBuilder {
    fn build(mut self, events: Vec<Event<'_>>) -> Vec<Block> {
        for event in events {
            self.event(event);
        }
        self.flush_paragraph();
        self.blocks
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.text(&text, None)
            }
            Event::Code(text) => self.text(&text, Some(Mark::Code)),
            Event::SoftBreak => self.text(" ", None),
            Event::HardBreak => self.text("\n", None),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::List(start) => {
                self.finish_item();
                self.lists.push((start.is_some(), Vec::new()));
            }
            Tag::BlockQuote(_) => {
                self.flush_paragraph();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(_) => self.code = Some(String::new()),
            Tag::Emphasis => self.marks.push(Mark::Emphasis),
            Tag::Strong => self.marks.push(Mark::Strong),
            Tag::Strikethrough => self.marks.push(Mark::Strikethrough),
            Tag::Link { dest_url, .. } => self.href = Some(dest_url.to_string()),
            Tag::Image {
                dest_url, title, ..
            } => {
                let title = (!title.is_empty()).then(|| title.to_string());
                self.image = Some((dest_url.to_string(), title, String::new()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) if self.quote_depth == 0 && self.lists.is_empty() => {
                let spans = std::mem::take(&mut self.spans);
                self.blocks.push(Block::Heading {
                    level: level as u8,
                    spans,
                });
                self.blocks.append(&mut self.pending_images);
            }
            TagEnd::Paragraph | TagEnd::Heading(_) => {
                if self.quote_depth > 0 || !self.lists.is_empty() {
                    self.text("\n", None);
                } else {
                    self.flush_paragraph();
                }
            }
            TagEnd::Item => self.finish_item(),
            TagEnd::List(_) => {
                self.finish_item();
                if let Some((ordered, items)) = self.lists.pop() {
                    match self.lists.last_mut() {
                        Some((_, parent)) => parent.extend(items),
                        None if self.quote_depth == 0 => {
                            self.blocks.push(Block::List { ordered, items });
                            self.blocks.append(&mut self.pending_images);
                        }
                        None => {}
                    }
                }
            }
            TagEnd::BlockQuote(_) => {
                self.quote_depth = self.quote_depth.saturating_sub(1);
                if self.quote_depth == 0 {
                    let spans = trim_spans(std::mem::take(&mut self.spans));
                    if !spans.is_empty() {
                        self.blocks.push(Block::Quote { spans });
                    }
                    self.blocks.append(&mut self.pending_images);
                }
            }
            TagEnd::CodeBlock => {
                if let Some(text) = self.code.take() {
                    self.flush_paragraph();
                    self.blocks.push(Block::Code { text });
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.marks.pop();
            }
            TagEnd::Link => self.href = None,
            TagEnd::Image => {
                if let Some((url, title, alt)) = self.image.take() {
                    self.pending_images.push(Block::Image { url, alt, title });
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, extra: Option<Mark>) {
        if let Some(code) = &mut self.code {
            code.push_str(text);
            return;
        }
        if let Some((_, _, alt)) = &mut self.image {
            alt.push_str(text);
            return;
        }
        let mut marks = self.marks.clone();
        marks.extend(extra);
        if let Some(last) = self.spans.last_mut()
            && last.href == self.href
            && last.marks == marks
        {
            last.text.push_str(text);
            return;
        }
        self.spans.push(Span {
            text: text.to_owned(),
            href: self.href.clone(),
            marks,
        });
    }

    fn finish_item(&mut self) {
        let spans = trim_spans(std::mem::take(&mut self.spans));
        if let Some((_, items)) = self.lists.last_mut()
            && !spans.is_empty()
        {
            items.push(spans);
        }
    }

    fn flush_paragraph(&mut self) {
        let spans = trim_spans(std::mem::take(&mut self.spans));
        if !spans.is_empty() {
            self.blocks.push(Block::Paragraph { spans });
        }
        self.blocks.append(&mut self.pending_images);
    }
}

/// Drops the separators a block leaves at its end, and spans left empty.
fn trim_spans(mut spans: Vec<Span>) -> Vec<Span> {
    if let Some(last) = spans.last_mut() {
        let trimmed = last.text.trim_end().len();
        last.text.truncate(trimmed);
    }
    spans.retain(|s| !s.text.is_empty());
    spans
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
