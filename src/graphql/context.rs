//! What a resolver reaches through its context: the domain handle, the
//! caller, the right to read (with this request's loaders), and the tags of
//! what the response shows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::Context;

use super::error::to_graphql;
use super::loaders::RequestLoader;
use crate::domain::actor::Actor;
use crate::domain::cache_tags::CacheTags;
use crate::domain::{Newsdesk, Reader, Tagged};
use crate::error::Error;

/// Tags gathered while a query runs: every read adds what it depends on.
/// A read only its caller may see (a preview) makes the whole response private.
#[derive(Clone, Debug, Default)]
pub struct TagCollector {
    tags: Arc<Mutex<CacheTags>>,
    private: Arc<AtomicBool>,
}

impl TagCollector {
    pub fn add_all(&self, tags: &CacheTags) {
        let mut shown = self.tags.lock().unwrap_or_else(PoisonError::into_inner);
        for tag in tags.iter() {
            shown.insert(tag);
        }
    }

    pub fn tags(&self) -> CacheTags {
        self.tags
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Marks the response as meant for this caller alone: no cache keeps it.
    pub fn keep_private(&self) {
        self.private.store(true, Ordering::Relaxed);
    }

    pub fn is_private(&self) -> bool {
        self.private.load(Ordering::Relaxed)
    }
}

/// Whether this request may read published content: the domain's answer,
/// asked once per request, with the loaders that read through it.
pub enum ReadAccess {
    Granted {
        reader: Reader,
        loader: RequestLoader,
    },
    Refused(Error),
}

pub trait ContextExt {
    fn desk(&self) -> &Newsdesk;
    fn actor(&self) -> &Actor;
    /// The right to read; a caller the read policy refuses gets its error.
    fn reader(&self) -> async_graphql::Result<&Reader>;
    fn loader(&self) -> async_graphql::Result<&RequestLoader>;
    /// A read's value; what it depends on joins the response's tags.
    fn shown<T>(&self, read: Tagged<T>) -> T;
    /// Marks the response as meant for this caller alone.
    fn keep_private(&self);
}

impl ContextExt for Context<'_> {
    fn desk(&self) -> &Newsdesk {
        self.data_unchecked::<Newsdesk>()
    }

    fn actor(&self) -> &Actor {
        self.data_unchecked::<Actor>()
    }

    fn reader(&self) -> async_graphql::Result<&Reader> {
        match self.data_unchecked::<ReadAccess>() {
            ReadAccess::Granted { reader, .. } => Ok(reader),
            ReadAccess::Refused(error) => Err(to_graphql(error)),
        }
    }

    fn loader(&self) -> async_graphql::Result<&RequestLoader> {
        match self.data_unchecked::<ReadAccess>() {
            ReadAccess::Granted { loader, .. } => Ok(loader),
            ReadAccess::Refused(error) => Err(to_graphql(error)),
        }
    }

    fn shown<T>(&self, read: Tagged<T>) -> T {
        self.data_unchecked::<TagCollector>().add_all(&read.tags);
        read.value
    }

    fn keep_private(&self) {
        self.data_unchecked::<TagCollector>().keep_private();
    }
}
