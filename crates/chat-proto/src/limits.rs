//! Size limits of encoded chat messages (reference `Simplex.Chat.Protocol`).

/// The largest JSON message: 15 780 (file chunk size) − 161 (`x.grp.msg.forward`
/// overhead) − 16 (block encryption), rounded down (`maxEncodedMsgLength`).
pub const MAX_ENCODED_MSG_LENGTH: usize = 15_602;
/// The largest compressed message: [`MAX_ENCODED_MSG_LENGTH`] − 2 222, the extra room a
/// PQ ratchet header takes (`maxCompressedMsgLength`). Larger bodies are compressed on
/// PQ connections.
pub const MAX_COMPRESSED_MSG_LENGTH: usize = 13_380;
/// The largest decompressed part (`maxDecompressedMsgLength`).
pub const MAX_DECOMPRESSED_MSG_LENGTH: usize = 65_536;
/// The largest JSON connection info (`maxEncodedInfoLength`).
pub const MAX_ENCODED_INFO_LENGTH: usize = 14_694;
/// The largest compressed connection info (`maxCompressedInfoLength`).
pub const MAX_COMPRESSED_INFO_LENGTH: usize = 10_968;
