//! One computation per key at a time. When a popular page drops out of the
//! cache (a write retired it), every reader arriving before it is rebuilt
//! would otherwise rebuild it too; followers wait for the first reader's
//! answer instead, and read it from the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

/// How long a follower waits before computing the answer itself.
const FOLLOW_AT_MOST: Duration = Duration::from_secs(5);

type InFlight = Arc<Mutex<HashMap<String, watch::Receiver<()>>>>;

#[derive(Debug, Default)]
pub struct Flights {
    in_flight: InFlight,
}

/// The reader computing a key's answer; dropping it releases the followers.
pub struct Leader {
    key: String,
    in_flight: InFlight,
    _done: watch::Sender<()>,
}

impl Drop for Leader {
    fn drop(&mut self) {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

impl Flights {
    /// Leads the computation of `key`, or waits for whoever leads it and
    /// returns `None`; the caller then looks in the store again.
    pub async fn lead_or_follow(&self, key: &str) -> Option<Leader> {
        let follow = {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match in_flight.get(key) {
                Some(done) => done.clone(),
                None => {
                    let (done, waiting) = watch::channel(());
                    in_flight.insert(key.to_owned(), waiting);
                    return Some(Leader {
                        key: key.to_owned(),
                        in_flight: self.in_flight.clone(),
                        _done: done,
                    });
                }
            }
        };
        let mut follow = follow;
        // Resolves when the leader finishes, however it finishes: its sender is dropped.
        let _ = tokio::time::timeout(FOLLOW_AT_MOST, follow.changed()).await;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_reader_follows_until_the_leader_is_done() {
        let flights = Arc::new(Flights::default());
        let leader = flights.lead_or_follow("k").await.expect("the first leads");
        let follower = {
            let flights = flights.clone();
            tokio::spawn(async move { flights.lead_or_follow("k").await.is_none() })
        };
        tokio::task::yield_now().await;
        assert!(!follower.is_finished());

        drop(leader);

        assert!(follower.await.expect("the follower ends"));
        assert!(
            flights.lead_or_follow("k").await.is_some(),
            "a new reader leads again"
        );
    }
}
