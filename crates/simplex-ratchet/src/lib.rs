//! The SimpleX end-to-end encryption between two agents: the PQ X3DH initial agreement
//! (X448 and optional sntrup761) and the double ratchet with header encryption, wire
//! compatible with the reference `Simplex.Messaging.Crypto.Ratchet` (E2E versions 2..3).
//!
//! This crate must stay pure: no tokio, no sockets, no files, no clock and no global
//! RNG. It depends only on `simplex-crypto`, `simplex-encoding`, `sntrup761`,
//! `thiserror` and `zeroize`; randomness comes in as `&mut impl CryptoRng`.
//!
//! # Flow
//!
//! 1. The creating side publishes [`generate_rcv_params`]; the joining side answers
//!    with [`generate_snd_params`] (using [`reply_kem`]) and runs [`pq_x3dh_snd`] and
//!    [`init_snd`]; the creating side runs [`pq_x3dh_rcv`] and [`init_rcv`].
//! 2. Each message is sent with [`encrypt`] (or [`encrypt_header`] now and
//!    [`MsgEncryptKey::encrypt`] later) and received with [`decrypt`].
//!
//! # State transitions
//!
//! Every step is a function from the old [`RatchetState`] to a new one: nothing is
//! changed in place. [`decrypt`] also reads the caller's [`SkippedKeys`] and returns a
//! [`SkippedDiff`], so state, message and skipped keys can be committed atomically.
//! A state moves between these phases:
//! - *receive-only* (after [`init_rcv`]): no sending chain; the first message received
//!   opens with the next header key and performs a DH ratchet step;
//! - *sending and receiving*: each message received under the next header key performs
//!   a DH ratchet step (and a KEM step when PQ is on); messages in the current chain
//!   only advance the receiving chain, skipping and keeping at most [`MAX_SKIP`] keys.
//!
//! PQ encryption is switched per message with the `pq` argument of [`encrypt`]; it takes
//! effect over the next ratchet steps, when both sides have it on. PQ *support* (large
//! headers) only ever turns on.
#![warn(missing_docs)]

mod decrypt;
mod encrypt;
pub mod error;
pub mod header;
mod kdf;
pub mod kem;
mod keys;
pub mod params;
mod skipped;
mod state;
mod storage;
pub mod version;
mod x3dh;

pub use decrypt::{Decrypted, MAX_SKIP, decrypt};
pub use encrypt::{MsgEncryptKey, check_can_pad, encrypt, encrypt_header};
pub use error::{RatchetError, Result};
pub use kem::{KemCiphertext, KemKeyPair, KemPublicKey, KemSecretKey, KemSharedKey};
pub use keys::{HeaderKey, Key32, MessageKey};
pub use params::{
    E2ERatchetParams, E2ERatchetParamsUri, GeneratedParams, KemParams, PrivKemParams, UseKem,
    generate_rcv_params, generate_snd_params, reply_kem,
};
pub use skipped::{SkippedDiff, SkippedKeys};
pub use state::{RatchetState, init_rcv, init_snd};
pub use storage::STATE_FORMAT;
pub use version::{
    CURRENT_E2E_VERSION, KDF_X3DH_E2E_VERSION, PQ_RATCHET_E2E_VERSION, PQEncryption, PQSupport,
    RatchetVersions, SUPPORTED_E2E_VERSIONS, padded_header_len,
};
pub use x3dh::{KemAccepted, RatchetInitParams, pq_x3dh_rcv, pq_x3dh_snd};
