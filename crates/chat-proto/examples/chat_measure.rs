//! Prints encode/parse rates and compression ratios of typical chat messages.
//!
//! `cargo run --release -p chat-proto --example chat_measure`

use chat_proto::batch::{BatchMode, batch_messages};
use chat_proto::compress::compress_body;
use chat_proto::container::MsgContainer;
use chat_proto::content::MsgContent;
use chat_proto::ids::SharedMsgId;
use chat_proto::version::SUPPORTED_CHAT_VRANGE;
use chat_proto::{ChatMessage, ChatMsgEvent, ChatProtoError, parse_chat_messages};
use std::time::Instant;

fn text_message(text: &str) -> ChatMessage {
    ChatMessage {
        chat_vrange: SUPPORTED_CHAT_VRANGE,
        msg_id: Some(SharedMsgId(vec![7; 12])),
        event: ChatMsgEvent::MsgNew(Box::new(MsgContainer::simple(MsgContent::text(text)))),
    }
}

fn rate(name: &str, n: u32, bytes: usize, f: impl Fn()) {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {:.0} /s, {:.1} MB/s",
        f64::from(n) / secs,
        (bytes as f64 * f64::from(n)) / secs / 1e6
    );
}

fn main() -> Result<(), ChatProtoError> {
    let short = text_message("hello, how are you doing today?");
    let long_text = "The quick brown fox jumps over the lazy dog. ".repeat(330);
    let long = text_message(&long_text);
    let short_body = short.encode()?;
    let long_body = long.encode()?;
    println!("short message: {} bytes", short_body.len());
    rate("encode short", 200_000, short_body.len(), || {
        let _ = short.encode();
    });
    rate("parse short", 200_000, short_body.len(), || {
        let _ = parse_chat_messages(&short_body);
    });
    let packed = compress_body(&long_body)?;
    println!(
        "long message: {} bytes, compressed {} bytes",
        long_body.len(),
        packed.len()
    );
    rate("compress long", 5_000, long_body.len(), || {
        let _ = compress_body(&long_body);
    });
    rate("parse compressed long", 5_000, long_body.len(), || {
        let _ = parse_chat_messages(&packed);
    });
    let many: Vec<Vec<u8>> = (0..1000).map(|_| short_body.clone()).collect();
    let batches = batch_messages(
        BatchMode::Json,
        chat_proto::limits::MAX_ENCODED_MSG_LENGTH,
        &many,
    );
    println!("1000 short messages -> {} JSON batches", batches.len());
    Ok(())
}
