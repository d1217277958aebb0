//! Turning the sanitized Markdown events into structured blocks: headings,
//! paragraphs, lists, quotes, code and images, each with styled text spans.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Block, Mark, Span};

#[derive(Default)]
pub(super) struct BlockBuilder {
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
    pub(super) fn build(mut self, events: Vec<Event<'_>>) -> Vec<Block> {
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
