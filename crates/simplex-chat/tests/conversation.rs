//! Three clients on a real relay on loopback: invitations, a conversation with replies,
//! edits, deletes, reactions and receipts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{connect, new_client, start_relay};
use simplex_chat::ChatOutput;
use simplex_chat::clock::SystemClock;
use simplex_chat::store::ItemStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversation_with_replies_edits_deletes_reactions() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock.clone()).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;

    // a message, and its delivery receipt (✓✓) back to the sender
    let sent = alice.exec("@bob hello bob").await;
    let item_id = match &sent[0] {
        ChatOutput::NewItem { contact, item } if contact == "bob" && item.sent => item.item_id,
        o => panic!("{o:?}"),
    };
    bob.wait_msg("alice", "hello bob").await;
    alice
        .wait_for("receipt", |o| match o {
            ChatOutput::ItemStatus { item, .. }
                if item.item_id == item_id && item.status == ItemStatus::SndRcvd =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    assert!(
        alice
            .tail(" @bob")
            .await
            .contains("@bob hello bob \u{2713}\u{2713}")
    );

    // a reply quoting alice's message
    bob.exec("> @alice (hello) hi alice").await;
    let reply = alice.wait_msg("bob", "hi alice").await;
    assert_eq!(reply.quote, Some(("hello bob".to_owned(), true)));

    // an edit
    let out = alice.exec("! @bob (hello bob) hello, bob!").await;
    assert!(matches!(&out[0], ChatOutput::ItemUpdated { item, .. } if item.edited));
    let edited = bob
        .wait_for("edit", |o| match o {
            ChatOutput::ItemUpdated { item, .. } => Some(item.clone()),
            _ => None,
        })
        .await;
    assert_eq!(edited.text, "hello, bob!");
    assert!(edited.edited);

    // a reaction to the edited message, and its removal
    bob.exec("+1 @alice hello, bob").await;
    let (emoji, added) = alice
        .wait_for("reaction", |o| match o {
            ChatOutput::Reaction {
                emoji,
                added,
                sent: false,
                ..
            } => Some((emoji.clone(), *added)),
            _ => None,
        })
        .await;
    assert_eq!((emoji.as_str(), added), ("\u{1F44D}", true));
    assert!(alice.tail(" @bob").await.contains("\u{1F44D}"));
    bob.exec("-1 @alice hello, bob").await;
    alice
        .wait_for("reaction removed", |o| match o {
            ChatOutput::Reaction { added: false, .. } => Some(()),
            _ => None,
        })
        .await;

    // delete for everyone: marked deleted on both sides
    alice.exec("@bob oops").await;
    bob.wait_msg("alice", "oops").await;
    let out = alice.exec("\\ @bob oops").await;
    assert!(matches!(
        &out[0],
        ChatOutput::ItemDeleted {
            by_sender: true,
            ..
        }
    ));
    bob.wait_for("deletion", |o| match o {
        ChatOutput::ItemDeleted {
            item,
            by_sender: true,
            ..
        } if item.text == "oops" => Some(()),
        _ => None,
    })
    .await;
    assert!(
        bob.tail(" @alice")
            .await
            .contains("alice> [marked deleted] oops")
    );

    // delete a received message locally
    let out = bob.exec("\\ @alice hello, bob").await;
    assert!(matches!(
        &out[0],
        ChatOutput::ItemDeleted {
            by_sender: false,
            ..
        }
    ));
    assert!(!bob.tail(" @alice").await.contains("hello, bob"));

    // the user's relays (stored in its agent)
    let out = alice.exec("/smp").await;
    assert_eq!(out, vec![ChatOutput::Servers(vec![relay.uri()])]);
    let out = alice.chat.execute("/smp nonsense").await;
    assert!(matches!(&out[0], ChatOutput::Error(e) if e.contains("not a relay address")));

    // errors are clear
    let out = alice.chat.execute("@nobody hi").await;
    assert_eq!(out, vec![ChatOutput::Error("no contact nobody".into())]);
    let out = alice.chat.execute("/nonsense").await;
    assert!(matches!(&out[0], ChatOutput::Error(e) if e.contains("invalid command")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn address_manual_and_auto_accept_with_name_clash_and_incognito() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock.clone()).await;
    // a second client whose user is also called "bob"
    let mut bob2 = common::open_client(&relay, &dir.path().join("bob2"), clock.clone()).await;
    bob2.exec("/create user bob").await;

    let out = alice.exec("/ad").await;
    let addr = match &out[0] {
        ChatOutput::Address {
            created: true,
            link,
            short_link,
        } => short_link.clone().unwrap_or(link.clone()),
        o => panic!("{o:?}"),
    };
    assert!(matches!(
        &alice.exec("/sa").await[0],
        ChatOutput::Address { created: false, .. }
    ));

    // manual accept
    let out = bob.exec(&format!("/c {addr}")).await;
    assert!(matches!(
        out[0],
        ChatOutput::ConnectionSent {
            via_address: true,
            ..
        }
    ));
    let name = alice
        .wait_for("request", |o| match o {
            ChatOutput::ContactRequest { name, .. } => Some(name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(name, "bob");
    alice.exec("/ac bob").await;
    alice.wait_connected("bob").await;
    bob.wait_connected("alice").await;

    // the second "bob" gets the name bob_1; rejected, then asks again and is accepted
    bob2.exec(&format!("/c {addr}")).await;
    let name = alice
        .wait_for("request", |o| match o {
            ChatOutput::ContactRequest { name, .. } => Some(name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(name, "bob_1");
    assert!(
        matches!(&alice.exec("/rc bob_1").await[0], ChatOutput::RequestRejected(n) if n == "bob_1")
    );

    // auto-accept with an incognito profile
    alice.exec("/auto_accept on incognito").await;
    bob2.exec(&format!("/c {addr}")).await;
    let inc = alice
        .wait_for("auto accept", |o| match o {
            ChatOutput::RequestAccepted { name, incognito } if name == "bob_1" => incognito.clone(),
            _ => None,
        })
        .await;
    alice.wait_connected("bob_1").await;
    bob2.wait_for("connected", |o| match o {
        ChatOutput::ContactConnected { contact } => Some(contact.clone()),
        _ => None,
    })
    .await;
    // bob2 sees alice under her random name, not "alice"
    let contacts = bob2.exec("/contacts").await;
    let ChatOutput::Contacts(cs) = &contacts[0] else {
        panic!()
    };
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].local_name, inc);
    assert_ne!(inc, "alice");

    // an incognito invitation from bob: alice sees a random name
    let out = bob.exec("/c i").await;
    let (link, bob_inc) = match &out[0] {
        ChatOutput::Invitation {
            link,
            incognito: Some(p),
            ..
        } => (link.clone(), p.clone()),
        o => panic!("{o:?}"),
    };
    alice.exec(&format!("/c {link}")).await;
    alice.wait_connected(&bob_inc).await;

    let ChatOutput::Contacts(cs) = &alice.exec("/contacts").await[0] else {
        panic!()
    };
    let names: Vec<_> = cs.iter().map(|c| c.local_name.as_str()).collect();
    assert!(
        names.contains(&"bob") && names.contains(&"bob_1") && names.contains(&bob_inc.as_str()),
        "{names:?}"
    );

    // deleting a contact tells the contact; both delete the connection's queues on
    // the relay
    let (alice_before, bob_before) = (alice.rcv_queues(), bob.rcv_queues());
    alice.exec("/d @bob").await;
    bob.wait_for("deleted", |o| match o {
        ChatOutput::ContactDeletedByContact(n) if n == "alice" => Some(()),
        _ => None,
    })
    .await;
    alice.expect_queues_deleted(&relay, &alice_before, 1).await;
    bob.expect_queues_deleted(&relay, &bob_before, 1).await;
    assert!(matches!(
        &alice.chat.execute("@bob hi").await[0],
        ChatOutput::Error(_)
    ));
    let before = alice.rcv_queues();
    assert!(matches!(
        &alice.exec("/da").await[0],
        ChatOutput::AddressDeleted
    ));
    // the address queue is gone on the relay: its link no longer works
    alice.expect_queues_deleted(&relay, &before, 1).await;
    assert_eq!(
        alice.chat.execute("/sa").await,
        vec![ChatOutput::Error("no chat address, to create: /ad".into())]
    );
}
