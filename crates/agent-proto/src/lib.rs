//! Wire formats of the SimpleX agent protocol (agent ↔ agent), outside the double ratchet.
//!
//! This crate turns the agent's out-of-band links and in-band envelopes into typed values
//! and back, byte for byte as the reference implementation (simplexmq) does
//! (`protocol-map.md` §5):
//!
//! - [`queue_uri`]: SMP queue addresses (`smp://…#/?v=…&dh=…`), binary `SMPQueueInfo`;
//! - [`conn_request`]: full connection links (`simplex:/invitation#/?…`, `/contact`);
//! - [`short_link`]: short links (`https://<relay>/i#…`, `/a`, `/g`, `/c`, `/r`),
//!   shortening and restoring preset relays;
//! - [`link_data`] and [`link_crypto`]: the signed, encrypted data behind short links,
//!   owner chains, link-key derivations and the sender id derived from a correlation id;
//! - [`envelope`], [`agent_envelope`], [`agent_message`]: the layers of a message, from the
//!   SMP `SEND` body down to `AMessage`, with the per-queue e2e box;
//! - [`e2e_params`]: the ratchet's public X3DH parameters (types and binary forms from
//!   `simplex-ratchet`, re-exported) and their text form in links;
//! - [`versions`]: agent and SMP client versions and the padded lengths they select.
//!
//! It is pure: it depends only on `simplex-encoding`, `simplex-crypto`, `smp-proto`,
//! `simplex-ratchet` (itself pure) and `thiserror`; no tokio, sockets, files, clock or
//! global random number generator (randomness comes in as `&mut impl rand_core::CryptoRng`).
//! Decoders never panic; they reject trailing bytes except where the reference
//! deliberately ignores them for forward compatibility (documented on those types).
#![warn(missing_docs)]

pub mod agent_envelope;
pub mod agent_message;
pub mod conn_request;
pub mod e2e_params;
pub mod envelope;
pub mod error;
pub mod link_crypto;
pub mod link_data;
pub mod query;
pub mod queue_uri;
pub mod relay;
pub mod short_link;
pub mod text;
pub mod versions;

pub use agent_envelope::AgentMsgEnvelope;
pub use agent_message::{AMessage, AgentMessage};
pub use conn_request::{ConnReqData, ConnectionMode, ConnectionRequest};
pub use e2e_params::{E2ERatchetParams, E2ERatchetParamsUri, KemParams, ParamsUriText};
pub use envelope::{ClientMessage, ClientMsgEnvelope, PrivHeader};
pub use error::{AgentProtoError, Result};
pub use queue_uri::{QueueAddress, SmpQueueInfo, SmpQueueUri, SndQAddr};
pub use relay::RelayAddr;
pub use short_link::{ContactType, LinkKey, ShortLink, ShortLinkScheme};
