//! The website Newsdesk feeds: its address, name and language, and the
//! absolute address of each page a feed, sitemap or event links to.

/// The public site.
#[derive(Clone, Debug)]
pub struct Site {
    /// The website's address (`NEWSDESK_SITE_URL`), without a trailing slash;
    /// `None` when the site has not been named, and links go to the API.
    pub url: Option<String>,
    /// The API's own public address (`NEWSDESK_PUBLIC_URL`).
    pub api_url: String,
    pub name: String,
    /// A BCP 47 language tag, as feeds and the news sitemap state it.
    pub language: String,
    /// The publisher's logo, for structured data.
    pub logo_url: Option<String>,
}

/// A kind of page the site shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    Article,
    Section,
    Author,
    Tag,
}

impl Site {
    /// The home page.
    pub fn home(&self) -> String {
        match &self.url {
            Some(site) => format!("{site}/"),
            None => format!("{}/api/v1/articles", self.api_url),
        }
    }

    /// The page of `slug`: on the website at `/articles/…`, `/sections/…`,
    /// `/authors/…` or `/tags/…`; without one, its REST address, so every
    /// link still leads somewhere.
    pub fn page(&self, kind: PageKind, slug: &str) -> String {
        let path = match kind {
            PageKind::Article => "articles",
            PageKind::Section => "sections",
            PageKind::Author => "authors",
            PageKind::Tag => "tags",
        };
        match &self.url {
            Some(site) => format!("{site}/{path}/{slug}"),
            None => format!("{}/api/v1/{path}/{slug}", self.api_url),
        }
    }

    /// An article's canonical address: the one stored with it, else its page.
    pub fn canonical(&self, slug: &str, stored: Option<&str>) -> String {
        stored
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| self.page(PageKind::Article, slug))
    }

    /// An address on the API itself: `path` starts with `/`.
    pub fn api(&self, path: &str) -> String {
        format!("{}{path}", self.api_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(url: Option<&str>) -> Site {
        Site {
            url: url.map(str::to_owned),
            api_url: "http://api.example".into(),
            name: "The Example".into(),
            language: "en".into(),
            logo_url: None,
        }
    }

    #[test]
    fn pages_are_on_the_website_when_it_is_named_else_on_the_api() {
        let named = site(Some("https://news.example"));
        assert_eq!(
            named.page(PageKind::Author, "ada"),
            "https://news.example/authors/ada"
        );
        assert_eq!(
            site(None).page(PageKind::Article, "x"),
            "http://api.example/api/v1/articles/x"
        );
    }

    #[test]
    fn a_stored_canonical_url_wins() {
        let named = site(Some("https://news.example"));
        assert_eq!(
            named.canonical("x", Some("https://other.example/x")),
            "https://other.example/x"
        );
        assert_eq!(
            named.canonical("x", Some("")),
            "https://news.example/articles/x"
        );
    }
}
