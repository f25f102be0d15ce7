//! Disappearing messages with an injected clock, restart keeping contacts and history,
//! several users with their own agents, database export and import.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{connect, new_client, open_client, start_relay};
use simplex_chat::ChatOutput;
use simplex_chat::clock::ManualClock;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disappearing_messages_vanish_on_time() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_800_000_000);
    let mut alice = new_client(&relay, dir.path(), "alice", Arc::new(clock.clone())).await;
    let mut bob = new_client(&relay, dir.path(), "bob", Arc::new(clock.clone())).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;

    let out = alice.exec("/set disappear @bob yes 30s").await;
    assert!(matches!(
        &out[0],
        ChatOutput::Disappearing {
            user_allows: true,
            contact_allows: false,
            ..
        }
    ));
    let ttl = bob
        .wait_for("alice's preference", |o| match o {
            ChatOutput::Disappearing {
                by_user: false,
                contact_allows: true,
                user_allows: false,
                ttl,
                ..
            } => Some(*ttl),
            _ => None,
        })
        .await;
    assert_eq!(ttl, Some(30));
    let out = bob.exec("/set disappear @alice yes").await;
    assert!(matches!(
        &out[0],
        ChatOutput::Disappearing {
            user_allows: true,
            contact_allows: true,
            ttl: Some(30),
            ..
        }
    ));
    alice
        .wait_for("bob's preference", |o| match o {
            ChatOutput::Disappearing {
                contact_allows: true,
                user_allows: true,
                ..
            } => Some(()),
            _ => None,
        })
        .await;

    alice.exec("@bob this will vanish").await;
    let item = bob.wait_msg("alice", "this will vanish").await;
    assert_eq!(item.timed_ttl, Some(30));
    assert_eq!(item.delete_at, Some(1_800_000_030));

    clock.advance(29);
    assert!(bob.chat.expire_items().await.unwrap().is_empty());
    assert!(alice.chat.expire_items().await.unwrap().is_empty());
    assert!(bob.tail("").await.contains("this will vanish"));
    clock.advance(1);
    let gone = bob.chat.expire_items().await.unwrap();
    assert!(
        matches!(&gone[..], [ChatOutput::ItemDisappeared { item, .. }] if item.text == "this will vanish")
    );
    assert_eq!(alice.chat.expire_items().await.unwrap().len(), 1);
    assert!(!bob.tail("").await.contains("this will vanish"));
    assert!(!alice.tail("").await.contains("this will vanish"));

    // switched off: messages stay
    bob.exec("/set disappear @alice no").await;
    alice
        .wait_for("off", |o| match o {
            ChatOutput::Disappearing {
                contact_allows: false,
                ..
            } => Some(()),
            _ => None,
        })
        .await;
    alice.exec("@bob this stays").await;
    let item = bob.wait_msg("alice", "this stays").await;
    assert_eq!(item.delete_at, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_contacts_and_history_and_users_have_own_agents() {
    let relay = start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(simplex_chat::clock::SystemClock);
    let mut alice = new_client(&relay, dir.path(), "alice", clock.clone()).await;
    let mut bob = new_client(&relay, dir.path(), "bob", clock.clone()).await;
    connect(&mut alice, "alice", &mut bob, "bob").await;
    alice.exec("@bob before restart").await;
    bob.wait_msg("alice", "before restart").await;

    // bob restarts; alice writes while he is away
    let prefix = bob.prefix.clone();
    drop(bob);
    alice.exec("@bob while away").await;
    let mut bob = open_client(&relay, &prefix, clock.clone()).await;
    bob.wait_msg("alice", "while away").await;
    let ChatOutput::Contacts(cs) = &bob.exec("/contacts").await[0] else {
        panic!()
    };
    assert_eq!(cs.len(), 1);
    assert!(cs[0].ready);
    let tail = bob.tail(" @alice").await;
    assert!(
        tail.contains("alice> before restart") && tail.contains("alice> while away"),
        "{tail}"
    );
    bob.exec("@alice back").await;
    alice.wait_msg("bob", "back").await;

    // a second user of bob: own agent file, own contacts; messages to the other user
    // are shown with its name
    let out = bob.exec("/create user robert").await;
    assert!(matches!(&out[0], ChatOutput::ActiveUser(u) if u.display_name == "robert" && u.active));
    assert!(simplex_chat::engine::with_suffix(&prefix, "_agent_2.db").exists());
    let ChatOutput::Users(us) = &bob.exec("/users").await[0] else {
        panic!()
    };
    assert_eq!(us.len(), 2);
    let ChatOutput::Contacts(cs) = &bob.exec("/contacts").await[0] else {
        panic!()
    };
    assert!(cs.is_empty());
    alice.exec("@bob to the other user").await;
    bob.wait_for("message for bob", |o| match o {
        ChatOutput::ForUser { user, output } if user == "bob" => match output.as_ref() {
            ChatOutput::NewItem { item, .. } if item.text == "to the other user" => Some(()),
            _ => None,
        },
        _ => None,
    })
    .await;
    let out = bob.exec("/user bob").await;
    assert!(matches!(&out[0], ChatOutput::ActiveUser(u) if u.display_name == "bob"));
    assert!(bob.tail(" @alice").await.contains("to the other user"));
    assert!(
        matches!(&bob.chat.execute("/create user bob").await[0], ChatOutput::Error(e) if e == "user bob already exists")
    );

    // export the whole database and import it under another prefix
    let archive = dir.path().join("bob.zip");
    let out = bob.exec(&format!("/db export {}", archive.display())).await;
    assert!(matches!(&out[0], ChatOutput::ArchiveExported(_)));
    // the agents were restarted after the export and still receive
    alice.exec("@bob after export").await;
    bob.wait_msg("alice", "after export").await;
    drop(bob);
    let moved = dir.path().join("moved");
    simplex_chat::archive::import_archive(&archive, &moved).unwrap();
    let moved_client = open_client(&relay, &moved, clock.clone()).await;
    let ChatOutput::Contacts(cs) = &moved_client.exec("/contacts").await[0] else {
        panic!()
    };
    assert_eq!(cs[0].local_name, "alice");
}
