//! Which media type a GraphQL answer is sent as, from the client's Accept header.

use axum::http::{HeaderMap, HeaderValue, header};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type of the answer, from the client's Accept header.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// The preferred type the client accepts; a missing header means JSON, as the
/// spec asks during its transition. `None` when nothing acceptable is offered.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let range = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let quality = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match range.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponse,
            JSON | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((q, current)) => {
                quality > q
                    || (quality == q && media == MediaType::GraphqlResponse && current != media)
            }
        };
        if quality > 0.0 && better {
            best = Some((quality, media));
        }
    }
    best.map(|(_, media)| media)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn no_accept_header_means_json() {
        assert!(negotiate(&HeaderMap::new()) == Some(MediaType::Json));
    }

    #[test]
    fn graphql_response_json_wins_when_accepted() {
        let headers = accept("application/graphql-response+json, application/json;q=0.9");
        assert!(negotiate(&headers) == Some(MediaType::GraphqlResponse));
        assert!(
            negotiate(&accept(
                "application/json, application/graphql-response+json"
            )) == Some(MediaType::GraphqlResponse)
        );
    }

    #[test]
    fn quality_decides() {
        let headers = accept("application/graphql-response+json;q=0.5, application/json");
        assert!(negotiate(&headers) == Some(MediaType::Json));
    }

    #[test]
    fn nothing_acceptable_is_none() {
        assert!(negotiate(&accept("text/xml")).is_none());
        assert!(negotiate(&accept("application/json;q=0")).is_none());
    }
}
