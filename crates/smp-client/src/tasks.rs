//! The reader and writer tasks of a connection.
//!
//! The writer owns the block writer and the sending chain key: it takes every transmission
//! queued so far and packs them into as few blocks as possible, so concurrent callers share
//! blocks. The reader owns the block reader and the receiving chain key: it opens blocks,
//! splits batches and routes each response to its waiting request, and each event (empty
//! correlation id) to the event channel.

use std::sync::Arc;

use simplex_crypto::sbchain::ChainKey;
use simplex_transport::{TlsBlockReader, TlsBlockWriter};
use smp_proto::batch::{Batch, batch_transmissions, parse_batch};
use smp_proto::block::{open, seal};
use smp_proto::error::TransportError;
use smp_proto::transmission::{TParams, parse};
use smp_proto::{BrokerMsg, CorrId};
use tokio::sync::{mpsc, watch};

use crate::error::{ClientError, error_text};
use crate::event::ServerEvent;
use crate::pending::Shared;

/// An encoded transmission waiting to be written.
pub(crate) struct Outgoing {
    /// The request it belongs to.
    pub corr_id: CorrId,
    /// The transmission bytes.
    pub bytes: Vec<u8>,
}

/// How many queued transmissions the writer gathers before packing.
const MAX_GATHER: usize = 1024;

/// How many times the writer yields to let other tasks queue commands before it writes.
const MAX_YIELDS: usize = 4;

/// Writes queued transmissions until the queue closes or the connection closes or fails.
pub(crate) async fn writer_task(
    mut writer: TlsBlockWriter,
    mut send_key: Option<ChainKey>,
    mut queue: mpsc::UnboundedReceiver<Vec<Outgoing>>,
    shared: Arc<Shared>,
) {
    let mut closed = shared.closed_signal();
    loop {
        let first = tokio::select! {
            q = queue.recv() => q,
            _ = closed.wait_for(|c| *c) => None,
        };
        let Some(mut items) = first else { break };
        gather(&mut queue, &mut items).await;
        // Requests that timed out or whose caller went away are not sent.
        items.retain(|o| shared.is_pending(&o.corr_id));
        let (ids, ts): (Vec<CorrId>, Vec<Vec<u8>>) =
            items.into_iter().map(|o| (o.corr_id, o.bytes)).unzip();
        if let Err(e) = write_batches(&mut writer, send_key.as_mut(), &ids, &ts, &shared).await {
            shared.close(&format!("write failed: {e}"));
            return;
        }
    }
    let _ = writer.shutdown().await;
}

/// Adds what else is queued to `items`. After the queue runs dry the writer yields to the
/// runtime (up to [`MAX_YIELDS`] times, while each yield brings more), so that commands
/// issued at the same moment by other tasks (for example a burst of `SEND`s, or `ACK`s
/// answering a block of messages) leave in one block instead of one block each. A yield
/// costs no timer and adds no delay when nothing else is runnable.
async fn gather(queue: &mut mpsc::UnboundedReceiver<Vec<Outgoing>>, items: &mut Vec<Outgoing>) {
    let mut yields = 0;
    loop {
        let before = items.len();
        while items.len() < MAX_GATHER {
            match queue.try_recv() {
                Ok(more) => items.extend(more),
                Err(_) => break,
            }
        }
        let got_more = items.len() > before;
        if items.len() >= MAX_GATHER || yields >= MAX_YIELDS || (yields > 0 && !got_more) {
            return;
        }
        yields += 1;
        tokio::task::yield_now().await;
    }
}

/// Packs `ts` into blocks and writes them; a transmission too large for any block fails its
/// request (`ids[i]` belongs to `ts[i]`).
async fn write_batches(
    writer: &mut TlsBlockWriter,
    mut send_key: Option<&mut ChainKey>,
    ids: &[CorrId],
    ts: &[Vec<u8>],
    shared: &Shared,
) -> Result<(), ClientError> {
    for batch in batch_transmissions(ts) {
        match batch {
            Batch::Block(content, _) => {
                let block = seal(&content, send_key.as_deref_mut())
                    .map_err(|_| ClientError::Transport(TransportError::LargeMsg))?;
                writer.write_block(&block).await?;
            }
            Batch::TooLarge(i) => {
                if let Some(id) = ids.get(i) {
                    shared.fail(id, ClientError::Transport(TransportError::LargeMsg));
                }
            }
        }
    }
    Ok(())
}

/// Reads blocks until the connection fails or closes, then closes the shared state and
/// sends the final [`ServerEvent::Disconnected`].
pub(crate) async fn reader_task(
    mut reader: TlsBlockReader,
    mut recv_key: Option<ChainKey>,
    params: TParams,
    shared: Arc<Shared>,
    events: mpsc::Sender<ServerEvent>,
) {
    let mut closed: watch::Receiver<bool> = shared.closed_signal();
    let reason = loop {
        let block = tokio::select! {
            b = reader.read_block() => b,
            _ = closed.wait_for(|c| *c) => break None,
        };
        let content = match block {
            Ok(b) => open(&b, recv_key.as_mut()),
            Err(e) => break Some(format!("read failed: {e}")),
        };
        let Ok(content) = content else {
            break Some("bad block from relay".to_owned());
        };
        let Ok(ts) = parse_batch(&content) else {
            break Some("bad batch from relay".to_owned());
        };
        for t in ts {
            if let Some(ev) = route(&params, &shared, t) {
                // The event channel is bounded: wait for the consumer.
                let _ = events.send(ev).await;
            }
        }
    };
    let reason = reason
        .or_else(|| shared.closed_reason())
        .unwrap_or_else(|| "closed".to_owned());
    shared.close(&reason);
    tracing::debug!("SMP connection ended: {reason}");
    let _ = events.send(ServerEvent::Disconnected { reason }).await;
}

/// Delivers one transmission to its request, or returns it as an event.
fn route(params: &TParams, shared: &Shared, t: &[u8]) -> Option<ServerEvent> {
    let raw = match parse(params, t) {
        Ok(raw) => raw,
        Err(e) => {
            tracing::debug!(
                "unparsable transmission from relay: {}",
                error_text(&e.error)
            );
            shared.fail(&e.corr_id, ClientError::Response(e.error));
            return None;
        }
    };
    let msg = BrokerMsg::parse(params.version, &raw.command);
    if raw.corr_id.is_empty() {
        return match msg {
            Ok(msg) => Some(ServerEvent::Event {
                entity_id: raw.entity_id,
                msg,
            }),
            Err(e) => {
                tracing::debug!("unparsable event from relay: {}", error_text(&e));
                None
            }
        };
    }
    match shared.resolve(
        &raw.corr_id,
        &raw.entity_id,
        msg.map_err(ClientError::Response),
    ) {
        None => None,
        // A message that answers a request which already timed out (the `MSG` the relay
        // sends in reply to a late `SUB` or `ACK`) is delivered as an event, as the
        // reference's `STResponse`: dropping it would leave the message delivered on the
        // relay but never seen, blocking its queue until the next subscription.
        Some(Ok(msg @ BrokerMsg::Msg(..))) => Some(ServerEvent::Event {
            entity_id: raw.entity_id,
            msg,
        }),
        Some(_) => {
            tracing::debug!("dropped a late response or one with an unknown correlation id");
            None
        }
    }
}
