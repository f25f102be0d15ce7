-- The sender keys of invitations secured with `LKEY` while resolving their short links
-- (the reference's `inv_short_links`): the join that follows, also after a restart,
-- uses the same key instead of securing the queue again (which the relay would refuse),
-- and resolving the same link again repeats `LKEY` with it. Removed once joined.
CREATE TABLE inv_short_links (
  inv_short_link_id INTEGER PRIMARY KEY,
  -- the relay (its store key, as `rcv_queues.server`)
  server TEXT NOT NULL,
  -- the link id on the relay
  link_id BLOB NOT NULL,
  -- the link key (in the short link); another key for the same link id gets a new row
  link_key BLOB NOT NULL,
  -- the Ed25519 sender key (PKCS#8) that `LKEY` secured the queue with
  snd_private_key BLOB NOT NULL,
  -- the queue's sender id, once the relay answered `LKEY`
  snd_id BLOB,
  UNIQUE (server, link_id)
) STRICT;
CREATE INDEX idx_inv_short_links_snd_id ON inv_short_links (server, snd_id);
