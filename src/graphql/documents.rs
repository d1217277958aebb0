//! Parsed GraphQL documents, kept by their text. Clients send the same few
//! queries over and over, and parsing is the costliest step before execution
//! that does not depend on the request: the schema executes the kept document
//! instead of parsing the text again.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::{Error as ParseError, parse_query};
use moka::sync::Cache;

/// How much query text is kept; a parsed document takes several times its
/// text, so this bounds the memory at a few megabytes whatever clients send.
const KEPT_TEXT_BYTES: u64 = 512 * 1024;

pub struct ParsedDocuments(Cache<String, Arc<ExecutableDocument>>);

impl Default for ParsedDocuments {
    fn default() -> Self {
        ParsedDocuments(
            Cache::builder()
                .weigher(|query: &String, _| u32::try_from(query.len()).unwrap_or(u32::MAX))
                .max_capacity(KEPT_TEXT_BYTES)
                .build(),
        )
    }
}

impl ParsedDocuments {
    /// The document `query` holds, parsed once. A text that does not parse is
    /// not kept: its error is found again, and says the same.
    pub fn parse(&self, query: &str) -> Result<Arc<ExecutableDocument>, ParseError> {
        if let Some(document) = self.0.get(query) {
            return Ok(document);
        }
        let document = Arc::new(parse_query(query)?);
        self.0.insert(query.to_owned(), document.clone());
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_sent_again_is_not_parsed_again() {
        let documents = ParsedDocuments::default();
        let first = documents.parse("{ sections { slug } }").unwrap();
        let again = documents.parse("{ sections { slug } }").unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let other = documents.parse("{ sections { name } }").unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
    }

    #[test]
    fn a_query_that_does_not_parse_fails_every_time() {
        let documents = ParsedDocuments::default();
        assert!(documents.parse("{ sections { slug }").is_err());
        assert!(documents.parse("{ sections { slug }").is_err());
        assert_eq!(documents.0.entry_count(), 0);
    }
}
