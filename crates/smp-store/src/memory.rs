//! The in-memory backend: the same state and operations, no files.

use parking_lot::RwLock;

use crate::commit::Commit;
use crate::error::Result;
use crate::ops::Tx;
use crate::state::State;
use crate::traits::impl_store_traits;

/// A store that keeps everything in memory and loses it on exit (tests, ephemeral relays).
#[derive(Default)]
pub struct MemoryStore {
    state: RwLock<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn mutate<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<Commit<T>> {
        let mut state = self.state.write();
        let mut tx = Tx::new(&mut state, None);
        f(&mut tx).map(Commit::done)
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> Result<T>) -> Result<T> {
        f(&self.state.read())
    }
}

impl_store_traits!(MemoryStore);
