//! Files through the bot API over a real SMP relay and a real XFTP relay on loopback:
//! a bot's `/f @contact PATH` answers with a sent chat item carrying the file, the peer
//! bot gets a received item with the file invitation (`newChatItems`, checked with
//! simploxide's strict types), `/tail` on both sides shows the reference's lines, and the
//! peer bot receives it with `/freceive` (`rcvFileAccepted`, then `rcvFileComplete`, the
//! sender gets `sndFileCompleteXFTP`); a second file goes with `/_send` and a `filePath`;
//! a bot sends a file to a group with `/_send #ID` and a path relative to its files
//! folder, and the member bot receives it; a file with `cryptoArgs` is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use bot::Ws;
use common::{start_file_relay, start_relay};
use serde_json::{Value, json};
use simplex_chat::Chat;
use simploxide_api_types::responses as r;

/// `/freceive ID PATH` at `ws`: accepted, then received complete with `data` at `target`.
async fn receive(ws: &mut Ws, file_id: i64, target: &std::path::Path, data: &[u8]) {
    let accepted = ws
        .cmd::<r::ReceiveFileResponse>(&format!("/freceive {file_id} {}", target.display()))
        .await;
    assert_eq!(accepted["type"], "rcvFileAccepted");
    let file = &accepted["chatItem"]["chatItem"]["file"];
    assert_eq!(file["fileId"], file_id);
    assert_eq!(file["fileStatus"]["type"], "rcvAccepted");
    let done = ws
        .event("rcvFileComplete", |e| {
            e["chatItem"]["chatItem"]["file"]["fileId"] == file_id
        })
        .await;
    let file = &done["chatItem"]["chatItem"]["file"];
    assert_eq!(file["fileStatus"]["type"], "rcvComplete");
    assert_eq!(file["fileSource"]["filePath"], target.display().to_string());
    assert_eq!(std::fs::read(target).unwrap(), data);
}

/// `/tail` of a chat as terminal lines.
async fn tail(chat: &Chat, args: &str) -> Vec<String> {
    chat.execute(&format!("/tail {args}"))
        .await
        .iter()
        .flat_map(|o| simplex_chat::view::render(o, false))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_an_item_for_both_bots() {
    let relay = start_relay().await;
    let files = start_file_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = bot::two_bots(&relay, dir.path(), Some(&files.uri)).await;
    let data: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let src = dir.path().join("report.bin");
    std::fs::write(&src, &data).unwrap();
    let src = src.display().to_string();
    let rcv_dir = dir.path().join("received");
    std::fs::create_dir(&rcv_dir).unwrap();

    let ((alice_chat, alice_url), (bob_chat, bob_url)) = (alice.handles(), bob.handles());
    let scenario = async {
        let (mut a, mut b) = (Ws::connect(&alice_url).await, Ws::connect(&bob_url).await);

        // alice's bot offers the file: a sent item with the file, stored, over XFTP
        let sent = a
            .cmd::<r::ApiSendMessagesResponse>(&format!("/f @bob {src}"))
            .await;
        let item = &sent["chatItems"][0]["chatItem"];
        assert_eq!(item["chatDir"]["type"], "directSnd");
        assert_eq!(
            item["content"],
            json!({"type": "sndMsgContent", "msgContent": {"type": "file", "text": ""}})
        );
        let file = &item["file"];
        assert_eq!(file["fileName"], "report.bin");
        assert_eq!(file["fileSize"], 70_000);
        assert_eq!(file["fileSource"], json!({ "filePath": src }));
        assert_eq!(file["fileStatus"]["type"], "sndStored");
        assert_eq!(file["fileProtocol"], "xftp");
        let file_id = file["fileId"].as_i64().unwrap();

        // bob's bot receives the invitation as an item with the file
        let ev = b
            .event("newChatItems", |e| {
                e["chatItems"][0]["chatItem"]["file"].is_object()
            })
            .await;
        let item = &ev["chatItems"][0]["chatItem"];
        assert_eq!(item["chatDir"]["type"], "directRcv");
        assert_eq!(
            item["content"],
            json!({"type": "rcvMsgContent", "msgContent": {"type": "file", "text": ""}})
        );
        let file = &item["file"];
        assert_eq!(file["fileName"], "report.bin");
        assert_eq!(file["fileSize"], 70_000);
        assert_eq!(file["fileSource"], Value::Null);
        assert_eq!(file["fileStatus"]["type"], "rcvInvitation");
        assert_eq!(file["fileProtocol"], "xftp");
        let rcv_file_id = file["fileId"].as_i64().unwrap();

        // /tail shows them as the reference's terminal (viewSentFileInvitation,
        // receivedFileInvitation_)
        let sent_tail = tail(&alice_chat, "@bob 1").await;
        assert_eq!(sent_tail[0], format!("/f @bob {src}"));
        assert!(
            sent_tail[1].starts_with(&format!("use /fc {file_id} to cancel sending")),
            "{sent_tail:?}"
        );
        assert_eq!(
            tail(&bob_chat, "@alice 1").await,
            [
                "alice> sends file report.bin (68.4 KiB / 70000 bytes)".to_owned(),
                format!("use /fr {rcv_file_id} [<dir>/ | <path>] to receive it")
            ]
        );

        // bob's bot receives it with /freceive; both bots see the transfer complete
        let target = rcv_dir.join("report.bin");
        receive(&mut b, rcv_file_id, &target, &data).await;
        let done = a.event("sndFileCompleteXFTP", |_| true).await;
        assert_eq!(done["chatItem"]["chatItem"]["file"]["fileId"], file_id);
        assert_eq!(done["fileTransferMeta"]["fileName"], "report.bin");
        assert_eq!(
            done["chatItem"]["chatItem"]["file"]["fileStatus"]["type"],
            "sndComplete"
        );

        // a file sent with /_send and a filePath, with a caption
        let uid = a.user_id().await;
        let contacts = a
            .cmd::<r::ApiListContactsResponse>(&format!("/_contacts {uid}"))
            .await;
        let bob_id = contacts["contacts"][0]["contactId"].as_i64().unwrap();
        let data2: Vec<u8> = (0..30_000u32).map(|i| (i % 13) as u8).collect();
        let src2 = dir.path().join("notes.txt");
        std::fs::write(&src2, &data2).unwrap();
        let mc = json!({"type": "file", "text": "the notes"});
        let composed = json!([{"filePath": src2.display().to_string(), "msgContent": mc}]);
        let sent = a
            .cmd::<r::ApiSendMessagesResponse>(&format!("/_send @{bob_id} json {composed}"))
            .await;
        let item = &sent["chatItems"][0]["chatItem"];
        assert_eq!(item["content"]["msgContent"], mc);
        assert_eq!(item["file"]["fileName"], "notes.txt");
        let ev = b
            .event("newChatItems", |e| {
                e["chatItems"][0]["chatItem"]["content"]["msgContent"] == mc
            })
            .await;
        let file = &ev["chatItems"][0]["chatItem"]["file"];
        assert_eq!(file["fileSize"], 30_000);
        let id2 = file["fileId"].as_i64().unwrap();
        receive(&mut b, id2, &rcv_dir.join("notes.txt"), &data2).await;
    };
    bot::run_both(&mut alice, &mut bob, scenario).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_sends_a_file_to_a_group() {
    let relay = start_relay().await;
    let files = start_file_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob) = bot::two_clients(&relay, dir.path(), Some(&files.uri)).await;
    alice.exec("/g team").await;
    common::groups::invite_and_join(&mut alice, &mut bob, "bob").await;
    let data: Vec<u8> = (0..50_000u32).map(|i| (i % 7) as u8).collect();
    let src = dir.path().join("plan.bin");
    std::fs::write(&src, &data).unwrap();
    let target = dir.path().join("plan_received.bin");

    let mut alice = bot::serve_engine(alice.chat, alice.events).await;
    let mut bob = bot::serve_engine(bob.chat, bob.events).await;
    let ((_, alice_url), (_, bob_url)) = (alice.handles(), bob.handles());
    let scenario = async {
        let (mut a, mut b) = (Ws::connect(&alice_url).await, Ws::connect(&bob_url).await);
        let uid = a.user_id().await;
        let groups = a
            .cmd::<r::ApiListGroupsResponse>(&format!("/_groups {uid}"))
            .await;
        let group_id = groups["groups"][0]["groupId"].as_i64().unwrap();
        // a file with cryptoArgs (locally encrypted) is refused with a command error
        let encrypted = json!([{"fileSource": {"filePath": src.display().to_string(),
            "cryptoArgs": {"fileKey": "AAAA", "fileNonce": "AAAA"}},
            "msgContent": {"type": "file", "text": ""}}]);
        let err = a
            .cmd_err(&format!("/_send #{group_id} json {encrypted}"))
            .await;
        assert_eq!(err["errorType"]["type"], "commandError", "{err:#}");
        // a relative filePath is in the files folder (the reference's toFSFilePath)
        let ok = a
            .cmd_raw(&format!("/_files_folder {}", dir.path().display()))
            .await;
        assert_eq!(ok["type"], "cmdOk", "{ok:#}");
        let composed = json!([{"filePath": "plan.bin",
            "msgContent": {"type": "file", "text": ""}}]);
        let sent = a
            .cmd::<r::ApiSendMessagesResponse>(&format!("/_send #{group_id} json {composed}"))
            .await;
        let item = &sent["chatItems"][0]["chatItem"];
        assert_eq!(item["chatDir"]["type"], "groupSnd");
        assert_eq!(item["file"]["fileName"], "plan.bin");

        let ev = b
            .event("newChatItems", |e| {
                e["chatItems"][0]["chatItem"]["file"].is_object()
            })
            .await;
        let item = &ev["chatItems"][0]["chatItem"];
        assert_eq!(item["chatDir"]["type"], "groupRcv");
        assert_eq!(item["chatDir"]["groupMember"]["localDisplayName"], "alice");
        assert_eq!(item["file"]["fileStatus"]["type"], "rcvInvitation");
        let file_id = item["file"]["fileId"].as_i64().unwrap();
        receive(&mut b, file_id, &target, &data).await;
    };
    bot::run_both(&mut alice, &mut bob, scenario).await;
}
