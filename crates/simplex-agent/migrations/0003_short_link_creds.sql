-- The credentials of a short link kept with the receive queue it points to (the
-- reference's `ShortLinkCreds` columns of `rcv_queues`): enough to change the link's
-- user data later with `LSET` while the link stays the same.
CREATE TABLE rcv_queue_short_links (
  rcv_queue_id INTEGER PRIMARY KEY REFERENCES rcv_queues ON DELETE CASCADE,
  -- the link id on the relay
  link_id BLOB NOT NULL,
  -- the link key (`sha3-256` of the fixed data; in the short link)
  link_key BLOB NOT NULL,
  -- the Ed25519 seed that signs the link data
  link_priv_sig_key BLOB NOT NULL,
  -- the encrypted fixed part as stored on the relay (sent again unchanged)
  link_enc_fixed_data BLOB NOT NULL
) STRICT;
