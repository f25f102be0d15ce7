-- A sent app message whose Ok receipt came while a delivery of it was still recorded as
-- pending (the peer can read it before the sender stores the relay's OK): the row goes
-- as soon as the delivery is recorded (the reference keeps `rcpt_status` on the message
-- for this, `updateSndMsgRcpt`).
ALTER TABLE snd_messages ADD COLUMN rcpt_ok INTEGER NOT NULL DEFAULT 0;
