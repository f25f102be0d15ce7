//! What the relay sends without being asked.

use smp_proto::{BrokerMsg, EntityId};

/// A transmission with an empty correlation id (`MSG` after `SUB`, `END`, `DELD`, `NMSG`,
/// ...), or the end of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerEvent {
    /// An event about an entity (a queue id).
    Event {
        /// The queue (recipient or notifier) id the event is about.
        entity_id: EntityId,
        /// The event.
        msg: BrokerMsg,
    },
    /// The connection ended; this is the last item on the channel.
    Disconnected {
        /// Why it ended.
        reason: String,
    },
}
