//! Group commit (`Store::grouped`): transactions waiting at the same time share one
//! commit, a failing or panicking one is rolled back alone, and what was answered `Ok` is
//! in the file after reopening.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::{PASSPHRASE, temp_db};
use simplex_agent::store::{Store, StoreError, UserId};
use tokio::task::JoinHandle;

/// Holds the store's connection in a plain transaction on another thread until the
/// returned sender is dropped or sent to, so grouped transactions queue up behind it.
fn hold(store: &Store) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (release, wait) = mpsc::channel::<()>();
    let (held, is_held) = mpsc::channel::<()>();
    let s = store.clone();
    let t = std::thread::spawn(move || {
        s.transaction(|_| {
            held.send(()).unwrap();
            let _ = wait.recv();
            Ok::<_, StoreError>(())
        })
        .unwrap();
    });
    is_held.recv().unwrap();
    (release, t)
}

/// Waits (without a deadline: the test harness has one) until `n` grouped transactions
/// are queued.
async fn until_queued(store: &Store, n: u64) {
    while store.group_stats().queued < n {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Submits a grouped transaction creating a user; `outcome` decides how it ends after
/// the insert.
fn create_user(store: &Store, outcome: Outcome) -> JoinHandle<Result<UserId, StoreError>> {
    let s = store.clone();
    tokio::spawn(async move {
        s.grouped(move |tx| {
            let id = tx.create_user()?;
            match outcome {
                Outcome::Ok => Ok(id),
                Outcome::Fail => Err(StoreError::NotFound("the test's failure")),
                Outcome::Panic => panic!("the test's panic"),
            }
        })
        .await
    })
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Ok,
    Fail,
    Panic,
}

fn users_after_reopen(path: &std::path::Path) -> Vec<UserId> {
    let store = Store::open(path, PASSPHRASE).unwrap();
    let mut ids: Vec<UserId> = store
        .transaction(|tx| tx.users())
        .unwrap()
        .into_iter()
        .map(|u| u.user_id)
        .collect();
    ids.sort_by_key(|u| u.0);
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_transactions_share_one_commit() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let before = store.group_stats();
    let (release, holder) = hold(&store);
    let tasks: Vec<_> = (0..20).map(|_| create_user(&store, Outcome::Ok)).collect();
    until_queued(&store, 20).await;
    release.send(()).unwrap();
    holder.join().unwrap();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap());
    }
    let after = store.group_stats();
    assert_eq!(after.submitted - before.submitted, 20);
    assert_eq!(
        after.groups - before.groups,
        1,
        "20 transactions, one group"
    );
    assert_eq!(after.queued, 0);
    drop(store);
    ids.sort_by_key(|u| u.0);
    assert_eq!(users_after_reopen(&path), ids);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_or_panicking_transaction_is_rolled_back_alone() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let (release, holder) = hold(&store);
    let outcomes = [
        Outcome::Ok,
        Outcome::Fail,
        Outcome::Ok,
        Outcome::Panic,
        Outcome::Ok,
    ];
    let mut tasks = Vec::new();
    for (i, o) in outcomes.iter().enumerate() {
        tasks.push(create_user(&store, *o));
        // submitted one by one, so the group runs them in this order
        until_queued(&store, i as u64 + 1).await;
    }
    let groups = store.group_stats().groups;
    release.send(()).unwrap();
    holder.join().unwrap();
    let mut kept = Vec::new();
    for (t, o) in tasks.into_iter().zip(outcomes) {
        let r = t.await.unwrap();
        match o {
            Outcome::Ok => kept.push(r.unwrap()),
            Outcome::Fail => assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}"),
            Outcome::Panic => assert!(matches!(r, Err(StoreError::Grouped(_))), "{r:?}"),
        }
    }
    assert_eq!(store.group_stats().groups - groups, 1);
    drop(store);
    kept.sort_by_key(|u| u.0);
    assert_eq!(kept.len(), 3);
    assert_eq!(users_after_reopen(&path), kept);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_failing_transaction_leaves_nothing() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let r = create_user(&store, Outcome::Fail).await.unwrap();
    assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}");
    let ok = create_user(&store, Outcome::Ok).await.unwrap().unwrap();
    drop(store);
    assert_eq!(users_after_reopen(&path), vec![ok]);
}
