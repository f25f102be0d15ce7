//! Finding a group message by the start of its text (`find_group_item_where`, used by
//! edits, deletions, moderation and replies) in a group with many messages: the
//! store's SQL lookup agrees with a plain model of "the newest not-deleted message
//! with this prefix by this author".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chat_proto::content::MsgContent;
use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;
use simplex_chat::store::{ChatStore, GroupStatus, MemberCategory, MemberStatus, NewMember};

/// One stored message of the model: (item id, author row or `None` for the user, text,
/// deleted).
type Model = Vec<(i64, Option<i64>, String, bool)>;

fn expected(model: &Model, prefix: &str, author: Option<Option<i64>>) -> Option<i64> {
    model
        .iter()
        .rev()
        .find(|(_, by, text, deleted)| {
            !deleted && text.starts_with(prefix) && author.is_none_or(|a| a == *by)
        })
        .map(|(id, ..)| *id)
}

fn group(s: &ChatStore, user_id: i64, name: &str, id: u8) -> i64 {
    let p: GroupProfile =
        serde_json::from_str(&format!(r#"{{"displayName": "{name}", "fullName": ""}}"#)).unwrap();
    s.add_group(
        user_id,
        &p,
        (&[id; 12], &GroupMemberRole::Owner),
        GroupStatus::Active,
        None,
        1,
    )
    .unwrap()
    .group_id
}

#[test]
fn lookup_in_a_large_group_matches_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let s = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
    let u = s.create_user("ann", "", |_| "_agent.db".into(), 1).unwrap();
    let g = group(&s, u.user_id, "big", 1);
    let other = group(&s, u.user_id, "other", 2);
    let rows: Vec<i64> = ["bob", "cat"]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let id = [10 + u8::try_from(i).unwrap(); 12];
            s.add_member(
                &NewMember {
                    group_id: g,
                    member_id: &id,
                    profile: &Profile::from_name(n),
                    role: &GroupMemberRole::Member,
                    category: MemberCategory::Invitee,
                    status: MemberStatus::Connected,
                    conn_id: None,
                    contact_id: None,
                },
                1,
            )
            .unwrap()
            .member_row
        })
        .collect();
    let authors = [None, Some(rows[0]), Some(rows[1])];

    let mut model: Model = Vec::new();
    for n in 0..1500usize {
        let by = authors[n % 3];
        // texts share prefixes ("msg 1" starts "msg 10", "msg 100", ...), some carry
        // LIKE wildcards and upper case
        let text = match n % 50 {
            7 => format!("50% off {n}"),
            8 => format!("a_b {n}"),
            9 => format!("MSG {n}"),
            _ => format!("msg {n}"),
        };
        let it = s
            .add_group_item(g, by, None, &MsgContent::text(&text), None, 1)
            .unwrap();
        let deleted = n % 11 == 0;
        if deleted {
            s.mark_group_item_deleted(it.item_id, None, 2).unwrap();
        }
        model.push((it.item_id, by, text, deleted));
    }
    // newer messages of another group never match
    for t in ["msg 1", "50% off", "a_b", "msg 149"] {
        s.add_group_item(other, None, None, &MsgContent::text(t), None, 1)
            .unwrap();
    }

    let prefixes = [
        "msg 1", "msg 29", "msg 1499", "msg 0", "msg", "", "50%", "50_", "a_b", "a%", "MSG", "Msg",
        "msg 1500", "msg 1497",
    ];
    let mut found = 0;
    for prefix in prefixes {
        for author in [None, Some(None), Some(Some(rows[0])), Some(Some(rows[1]))] {
            let got = s
                .find_group_item_where(g, prefix, author)
                .unwrap()
                .map(|it| it.item_id);
            assert_eq!(
                got,
                expected(&model, prefix, author),
                "{prefix:?} by {author:?}"
            );
            found += usize::from(got.is_some());
        }
        let any = s.find_group_item(g, prefix).unwrap().map(|it| it.item_id);
        assert_eq!(any, expected(&model, prefix, None), "{prefix:?}");
    }
    // the cases are not all misses
    assert!(found > 20, "{found}");
    // a message deleted for everyone is never found
    let (deleted_id, _, deleted_text, _) = model.iter().find(|m| m.3).unwrap().clone();
    let got = s.find_group_item(g, &deleted_text).unwrap();
    assert_ne!(got.map(|it| it.item_id), Some(deleted_id));
}
