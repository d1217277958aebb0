//! Parsed GraphQL documents, kept by their text, and the requests that have
//! passed validation. Clients send the same few queries over and over:
//! the schema executes the kept document instead of parsing the text again,
//! and a request seen valid before is not put through every rule again.

use std::sync::Arc;

use async_graphql::Variables;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::{Error as ParseError, parse_query};
use moka::sync::Cache;

/// How much query text is kept; a parsed document takes several times its
/// text, so this bounds the memory at a few megabytes whatever clients send.
const KEPT_TEXT_BYTES: u64 = 512 * 1024;

pub struct ParsedDocuments {
    parsed: Cache<String, Arc<ExecutableDocument>>,
    validated: Cache<Validated, ()>,
}

/// A request that passed validation: its document's text, the operation it
/// names and its variables (as JSON). Validation is a function of these
/// and the schema alone, so the same three pass again; the variables are
/// part of it because the rules check their values against the arguments
/// they fill.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Validated {
    query: String,
    operation: Option<String>,
    variables: String,
}

impl Validated {
    pub fn of(query: &str, operation: Option<&str>, variables: &Variables) -> Validated {
        Validated {
            query: query.to_owned(),
            operation: operation.map(str::to_owned),
            // `Variables` serializes as the JSON object it was read from.
            variables: serde_json::to_string(variables).unwrap_or_default(),
        }
    }

    fn weight(&self) -> u32 {
        let bytes = self.query.len()
            + self.variables.len()
            + self.operation.as_ref().map_or(0, String::len);
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        ParsedDocuments {
            parsed: Cache::builder()
                .weigher(|query: &String, _| u32::try_from(query.len()).unwrap_or(u32::MAX))
                .max_capacity(KEPT_TEXT_BYTES)
                .build(),
            validated: Cache::builder()
                .weigher(|request: &Validated, _| request.weight())
                .max_capacity(KEPT_TEXT_BYTES)
                .build(),
        }
    }
}

impl ParsedDocuments {
    /// The document `query` holds, parsed once. A text that does not parse is
    /// not kept: its error is found again, and says the same.
    pub fn parse(&self, query: &str) -> Result<Arc<ExecutableDocument>, ParseError> {
        if let Some(document) = self.parsed.get(query) {
            return Ok(document);
        }
        let document = Arc::new(parse_query(query)?);
        self.parsed.insert(query.to_owned(), document.clone());
        Ok(document)
    }

    /// Whether `request` passed validation before.
    pub fn was_validated(&self, request: &Validated) -> bool {
        self.validated.contains_key(request)
    }

    /// Notes that `request` passed validation.
    pub fn note_validated(&self, request: Validated) {
        self.validated.insert(request, ());
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
        assert_eq!(documents.parsed.entry_count(), 0);
    }

    #[test]
    fn a_request_is_validated_again_when_its_variables_differ() {
        let documents = ParsedDocuments::default();
        let query = "query A($n: Int) { articles(first: $n) { nodes { slug } } }";
        let with = |n: &str| {
            let variables: serde_json::Value = serde_json::from_str(n).unwrap();
            Validated::of(query, Some("A"), &Variables::from_json(variables))
        };
        documents.note_validated(with(r#"{"n": 3}"#));

        assert!(documents.was_validated(&with(r#"{"n": 3}"#)));
        assert!(!documents.was_validated(&with(r#"{"n": "three"}"#)));
        assert!(!documents.was_validated(&Validated::of(
            query,
            None,
            &Variables::from_json(serde_json::json!({"n": 3}))
        )));
    }
}
