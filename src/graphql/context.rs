//! What a resolver reaches through its context: the app state and this request's loaders.

use async_graphql::Context;

use super::loaders::RequestLoader;
use crate::app::AppState;
use crate::cache::{CacheTag, TagCollector};
use crate::domain::actor::Actor;

pub trait ContextExt {
    fn state(&self) -> &AppState;
    fn actor(&self) -> &Actor;
    fn loader(&self) -> &RequestLoader;
    /// Notes that the response shows `tag`, beyond what every query shows.
    fn shows(&self, tag: CacheTag);
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }

    fn actor(&self) -> &Actor {
        self.data_unchecked::<Actor>()
    }

    fn loader(&self) -> &RequestLoader {
        self.data_unchecked::<RequestLoader>()
    }

    fn shows(&self, tag: CacheTag) {
        self.data_unchecked::<TagCollector>().add(tag);
    }
}
