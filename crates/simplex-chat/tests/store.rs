//! The chat database: encrypted, migrated to the committed schema, refusing a wrong
//! passphrase; records round-trip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chat_proto::content::MsgContent;
use chat_proto::profile::Profile;
use simplex_chat::ChatError;
use simplex_chat::store::{ChatStore, FileStatus, ItemStatus, NewFile, NewItem};

#[test]
fn schema_matches_the_committed_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
    let schema = store.schema_sql().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &schema).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        schema, committed,
        "schema changed: run with UPDATE_SCHEMA=1 and review"
    );
}

#[test]
fn wrong_and_empty_passphrases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x_chat.db");
    drop(ChatStore::open(&path, "right").unwrap());
    assert!(matches!(
        ChatStore::open(&path, "wrong"),
        Err(ChatError::WrongPassphrase)
    ));
    assert!(matches!(
        ChatStore::open(&path, ""),
        Err(ChatError::EmptyPassphrase)
    ));
    // the file is not plain SQLite
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    assert!(ChatStore::open(&path, "right").is_ok());
}

#[test]
fn names_items_reactions_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let s = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
    let u = s
        .create_user("alice", "", |id| format!("_agent_{id}.db"), 100)
        .unwrap();
    assert_eq!(u.agent_db, "_agent_1.db");
    let bob = Profile::from_name("bob");
    let c1 = s.add_contact(u.user_id, &bob, "conn1", None, 100).unwrap();
    let c2 = s.add_contact(u.user_id, &bob, "conn2", None, 100).unwrap();
    let r = s.add_request(u.user_id, &bob, "inv1", 100).unwrap();
    assert_eq!(
        (c1.local_name.as_str(), c2.local_name.as_str()),
        ("bob", "bob_1")
    );
    assert_eq!(r.local_name, "bob_2");
    // the user's own name is taken too
    let a = s
        .add_contact(u.user_id, &Profile::from_name("alice"), "conn3", None, 100)
        .unwrap();
    assert_eq!(a.local_name, "alice_1");

    let id = s
        .add_item(
            &NewItem {
                contact_id: c1.contact_id,
                sent: true,
                shared_msg_id: Some(b"abc"),
                agent_msg_id: Some(7),
                content: &MsgContent::text("hello there"),
                quote: None,
                status: ItemStatus::SndNew,
                timed_ttl: Some(30),
                delete_at: Some(130),
            },
            100,
        )
        .unwrap();
    assert_eq!(
        s.find_item(c1.contact_id, Some(true), "hello")
            .unwrap()
            .unwrap()
            .item_id,
        id
    );
    assert!(
        s.find_item(c1.contact_id, Some(false), "hello")
            .unwrap()
            .is_none()
    );
    assert_eq!(
        s.item_by_agent_id(c1.contact_id, 7)
            .unwrap()
            .unwrap()
            .item_id,
        id
    );
    s.set_reaction(id, false, "\u{1F44D}", true).unwrap();
    s.set_reaction(id, false, "\u{1F44D}", true).unwrap();
    assert_eq!(
        s.item(id).unwrap().unwrap().reactions,
        vec![(false, "\u{1F44D}".to_owned())]
    );
    assert!(s.take_expired_items(129).unwrap().is_empty());
    let gone = s.take_expired_items(130).unwrap();
    assert_eq!(gone.len(), 1);
    assert!(s.item(id).unwrap().is_none());
}

#[test]
fn file_descriptions_join_in_order_and_relays_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let s = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
    let u = s
        .create_user("alice", "", |id| format!("_agent_{id}.db"), 100)
        .unwrap();
    let c = s
        .add_contact(u.user_id, &Profile::from_name("bob"), "conn1", None, 100)
        .unwrap();
    let f = s
        .add_file(
            &NewFile {
                user_id: u.user_id,
                sent: false,
                contact_id: Some(c.contact_id),
                group_id: None,
                peer: "bob",
                shared_msg_id: b"msg1",
                file_name: "a.txt",
                file_size: 10,
                xftp: true,
                file_path: None,
                status: FileStatus::RcvInvitation,
            },
            100,
        )
        .unwrap();
    // found by the offering message in its chat only
    let by_msg = |contact, group| {
        s.rcv_file_by_msg(u.user_id, contact, group, b"msg1")
            .unwrap()
            .map(|f| f.file_id)
    };
    assert_eq!(by_msg(Some(c.contact_id), None), Some(f.file_id));
    assert_eq!(by_msg(None, Some(1)), None);
    // parts must come as 1, 2, ...; nothing is added after the complete one
    assert!(
        s.append_file_descr(f.file_id, 2, "b", true)
            .unwrap()
            .is_none()
    );
    let one = s
        .append_file_descr(f.file_id, 1, "a", false)
        .unwrap()
        .unwrap();
    assert!(!one.descr_complete);
    let two = s
        .append_file_descr(f.file_id, 2, "b", true)
        .unwrap()
        .unwrap();
    assert_eq!((two.descr_text.as_str(), two.descr_complete), ("ab", true));
    assert!(
        s.append_file_descr(f.file_id, 3, "c", true)
            .unwrap()
            .is_none()
    );
    s.set_file_status(f.file_id, FileStatus::RcvComplete)
        .unwrap();
    assert_eq!(
        s.files_with_status(&[FileStatus::RcvComplete])
            .unwrap()
            .len(),
        1
    );
    // the relay list: unset until set
    assert_eq!(s.xftp_servers(u.user_id).unwrap(), None);
    let list = vec!["xftp://a@b".to_owned(), "xftp://c@d:5443".to_owned()];
    s.set_xftp_servers(u.user_id, &list).unwrap();
    assert_eq!(s.xftp_servers(u.user_id).unwrap(), Some(list));
}
