//! Replies in groups carry the quoted message's author: three clients on a real relay
//! on loopback; each side resolves the author from the member id in the quote and shows
//! it as the reference's `View.hs` does (`#team bob> > alice hello`, the reply indented
//! by six; `tests/ChatTests/Groups.hs` testGroupMessageQuotedReply). The wire is checked
//! on a member's agent opened on its own: `quote.msgRef` names the author's member id
//! and says `sent` when the replier wrote the quoted message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_proto::container::MsgRef;
use chat_proto::content::MsgContent;
use common::groups::{group_of_three, rendered, three_clients, wait_group, wait_group_msg};
use common::{Client, receive_msg_news, start_relay};
use simplex_chat::ChatOutput;
use simplex_chat::groups_output::GroupOutput;
use simplex_chat::store::{ChatStore, GroupItem, GroupStatus, NewGroupQuote, QuoteAuthor};

/// Waits for a received group message with this text; returns it.
async fn wait_item(c: &mut Client, text: &str) -> GroupItem {
    wait_group(c, text, |g| match g {
        GroupOutput::NewItem { item, .. } if item.text == text => Some(item.clone()),
        _ => None,
    })
    .await
}

fn lines(item: &GroupItem) -> String {
    rendered(&[ChatOutput::Group(GroupOutput::NewItem {
        group: "team".into(),
        item: item.clone(),
    })])
}

fn sent_item(out: &[ChatOutput]) -> GroupItem {
    match &out[0] {
        ChatOutput::Group(GroupOutput::NewItem { item, .. }) => item.clone(),
        o => panic!("{o:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_replies_carry_the_quoted_author() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, mut bob, mut cath) = three_clients(&relay, dir.path()).await;
    group_of_three(&mut alice, &mut bob, &mut cath).await;

    let hello = sent_item(&alice.exec("#team hello! how are you?").await);
    let at_bob = wait_item(&mut bob, "hello! how are you?").await;
    let at_cath = wait_item(&mut cath, "hello! how are you?").await;

    // bob replies quoting alice: everyone sees alice as the quoted author
    let reply = sent_item(
        &bob.exec("> #team @alice (hello) hello, all good, you?")
            .await,
    );
    assert_eq!(
        lines(&reply),
        "#team > alice hello! how are you?\n      hello, all good, you?"
    );
    let q = reply.quote.as_ref().unwrap();
    assert_eq!(
        q.author,
        QuoteAuthor::Member {
            member_row: at_bob.member_row.unwrap(),
            name: "alice".into()
        }
    );
    assert_eq!(q.item_id, Some(at_bob.item_id));
    let want = "#team bob> > alice hello! how are you?\n      hello, all good, you?";
    let got = wait_item(&mut cath, "hello, all good, you?").await;
    assert_eq!(lines(&got), want);
    let q = got.quote.as_ref().unwrap();
    assert!(matches!(&q.author, QuoteAuthor::Member { name, .. } if name == "alice"));
    assert_eq!(q.item_id, Some(at_cath.item_id));
    assert_eq!(q.shared_msg_id, hello.shared_msg_id);
    // alice sees her own message quoted
    let got = wait_item(&mut alice, "hello, all good, you?").await;
    assert_eq!(lines(&got), want);
    let q = got.quote.as_ref().unwrap();
    assert_eq!(q.author, QuoteAuthor::User("alice".into()));
    assert_eq!(q.item_id, Some(hello.item_id));

    // the member's name picks the author among messages with the same start
    alice.exec("#team same start from alice").await;
    wait_group_msg(&mut bob, "alice", "same start from alice").await;
    wait_group_msg(&mut cath, "alice", "same start from alice").await;
    cath.exec("#team same start from cath").await;
    wait_group_msg(&mut bob, "cath", "same start from cath").await;
    wait_group_msg(&mut alice, "cath", "same start from cath").await;
    let out = bob.exec("> #team @alice (same start) to alice").await;
    assert_eq!(sent_item(&out).quote.unwrap().text, "same start from alice");
    let out = bob.exec("> #team (same start) to the newest").await;
    assert_eq!(sent_item(&out).quote.unwrap().text, "same start from cath");
    // the user's own name picks the user's messages
    let own = sent_item(&alice.exec("> #team @alice (hello) me again").await);
    assert_eq!(
        lines(&own),
        "#team > alice hello! how are you?\n      me again"
    );
    let got = wait_item(&mut cath, "me again").await;
    assert_eq!(
        lines(&got),
        "#team alice> > alice hello! how are you?\n      me again"
    );

    // a message marked deleted cannot be quoted (its text no longer finds it)
    cath.exec("#team to be deleted").await;
    wait_group_msg(&mut bob, "cath", "to be deleted").await;
    cath.exec("\\ #team to be deleted").await;
    wait_group(&mut bob, "deletion", |g| {
        matches!(g, GroupOutput::ItemDeleted { item, .. } if item.text == "to be deleted")
            .then_some(())
    })
    .await;
    let out = bob.chat.execute("> #team @cath (to be) quoting").await;
    assert!(
        matches!(&out[0], ChatOutput::Error(e) if e == "message not found"),
        "{out:?}"
    );

    // the wire: cath's agent alone reads bob's next replies
    let cath_agent = cath.agent_config(&relay);
    let alice_group = alice.chat.store().groups(1).unwrap().remove(0);
    let bob_group = bob.chat.store().groups(1).unwrap().remove(0);
    drop(cath);
    bob.exec("> #team @alice (hello) wire one").await;
    bob.exec("> #team @bob (hello, all) wire two").await;
    let refs: Vec<MsgRef> = receive_msg_news(cath_agent, 2)
        .await
        .into_iter()
        .map(|c| c.quote.unwrap().msg_ref)
        .collect();
    assert_eq!(
        refs[0].member_id.as_ref().unwrap().0,
        alice_group.membership_id
    );
    assert!(!refs[0].sent);
    assert_eq!(
        refs[0].msg_id.as_ref().unwrap().0,
        at_bob.shared_msg_id.unwrap()
    );
    assert_eq!(refs[0].sent_at.unix_secs(), at_bob.created_at);
    assert_eq!(
        refs[1].member_id.as_ref().unwrap().0,
        bob_group.membership_id
    );
    assert!(refs[1].sent);
}

/// A quote naming a member id the user does not know shows `?` as its author, as the
/// reference's `ttyQuotedMember Nothing`.
#[test]
fn unknown_quoted_author_shows_as_a_question_mark() {
    let dir = tempfile::tempdir().unwrap();
    let store = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
    let user = store
        .create_user("dan", "", |_| "_agent.db".into(), 1)
        .unwrap();
    let profile: chat_proto::profile::GroupProfile =
        serde_json::from_str(r#"{"displayName": "team", "fullName": ""}"#).unwrap();
    let g = store
        .add_group(
            user.user_id,
            &profile,
            (&[1; 12], &chat_proto::role::GroupMemberRole::Owner),
            GroupStatus::Active,
            None,
            1,
        )
        .unwrap();
    let quote = NewGroupQuote {
        text: "who said this?".into(),
        member_id: Some(vec![9; 12]),
        ..NewGroupQuote::default()
    };
    let item = store
        .add_group_item(
            g.group_id,
            None,
            None,
            &MsgContent::text("someone"),
            Some(&quote),
            2,
        )
        .unwrap();
    assert_eq!(item.quote.as_ref().unwrap().author, QuoteAuthor::Unknown);
    assert_eq!(lines(&item), "#team > ? who said this?\n      someone");
    // the user's own membership id is the user
    let quote = NewGroupQuote {
        member_id: Some(vec![1; 12]),
        ..quote
    };
    let item = store
        .add_group_item(
            g.group_id,
            None,
            None,
            &MsgContent::text("me"),
            Some(&quote),
            3,
        )
        .unwrap();
    assert_eq!(item.quote.unwrap().author, QuoteAuthor::User("dan".into()));
}
