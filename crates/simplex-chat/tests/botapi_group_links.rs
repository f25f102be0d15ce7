//! Group links in the bot API (every reply checked with simploxide-api-types' strict
//! types): `/_create link #ID ROLE` (`groupLinkCreated`), `/_get link`, `/_set link
//! role` (`groupLink`), a terminal user joining by the link (`joinedGroupMember`),
//! `/_delete link` (`groupLinkDeleted`), and the store errors `duplicateGroupLink` and
//! `groupLinkNotFound`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bot;
mod common;

use std::sync::Arc;

use bot::{Ws, serve_engine};
use common::groups::wait_group;
use common::{new_client, start_relay};
use simplex_chat::clock::SystemClock;
use simplex_chat::groups_output::GroupOutput;
use simploxide_api_types::responses as r;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_manages_its_group_link() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = new_client(&relay, dir.path(), "bot", Arc::new(SystemClock)).await;
    let mut alice = new_client(&relay, dir.path(), "alice", Arc::new(SystemClock)).await;
    bot.exec("/g team").await;
    let mut served = serve_engine(bot.chat, bot.events).await;
    let url = served.url.clone();
    let scenario = async {
        let mut ws = Ws::connect(&url).await;
        let uid = ws.user_id().await;
        let groups = ws
            .cmd::<r::ApiListGroupsResponse>(&format!("/_groups {uid}"))
            .await;
        let gid = groups["groups"][0]["groupId"].as_i64().unwrap();

        let e = ws.cmd_err(&format!("/_get link #{gid}")).await;
        assert_eq!(e["storeError"]["type"], "groupLinkNotFound");
        let created = ws
            .cmd::<r::ApiCreateGroupLinkResponse>(&format!("/_create link #{gid} observer"))
            .await;
        assert_eq!(created["type"], "groupLinkCreated");
        assert_eq!(created["groupInfo"]["groupId"], gid);
        let link = &created["groupLink"];
        assert_eq!(link["acceptMemberRole"], "observer");
        let joined_by = link["connLinkContact"]["connShortLink"]
            .as_str()
            .or(link["connLinkContact"]["connFullLink"].as_str())
            .unwrap()
            .to_owned();
        let e = ws.cmd_err(&format!("/_create link #{gid} member")).await;
        assert_eq!(e["storeError"]["type"], "duplicateGroupLink");

        let set = ws
            .cmd::<r::ApiGroupLinkMemberRoleResponse>(&format!("/_set link role #{gid} member"))
            .await;
        assert_eq!(set["type"], "groupLink");
        assert_eq!(set["groupLink"]["acceptMemberRole"], "member");
        let got = ws
            .cmd::<r::ApiGetGroupLinkResponse>(&format!("/_get link #{gid}"))
            .await;
        assert_eq!(got["groupLink"], set["groupLink"]);
        assert_eq!(
            got["groupLink"]["groupLinkId"],
            created["groupLink"]["groupLinkId"]
        );

        // a terminal user joins by it as a member
        alice.exec(&format!("/c {joined_by}")).await;
        let ev = ws.event("joinedGroupMember", |_| true).await;
        assert_eq!(ev["member"]["localDisplayName"], "alice");
        assert_eq!(ev["member"]["memberRole"], "member");
        wait_group(&mut alice, "joined", |g| {
            matches!(g, GroupOutput::Joined(n) if n == "team").then_some(())
        })
        .await;

        let deleted = ws
            .cmd::<r::ApiDeleteGroupLinkResponse>(&format!("/_delete link #{gid}"))
            .await;
        assert_eq!(deleted["type"], "groupLinkDeleted");
        let e = ws.cmd_err(&format!("/_get link #{gid}")).await;
        assert_eq!(e["storeError"]["type"], "groupLinkNotFound");
    };
    let (api, server, events) = served.parts();
    tokio::select! {
        () = server.run(api, events, |_| {}) => panic!("the bot's engine stopped"),
        () = scenario => {}
    }
}
