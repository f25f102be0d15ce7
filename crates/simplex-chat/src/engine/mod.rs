//! The chat controller: [`Chat`] owns the chat store, one agent per user, the command
//! processor and the event loop.
//!
//! Commands ([`Chat::execute`]) and agent events are processed one at a time (one engine
//! lock), so an event never sees a half-done command. Events become [`ChatOutput`]s on
//! the channel returned by [`Chat::open`]; outputs for a user other than the active one
//! are wrapped in [`ChatOutput::ForUser`].

mod contacts;
mod events;
mod files;
mod group_events;
mod group_items;
mod group_links;
mod groups;
mod items_by_id;
mod messages;
mod users;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chat_proto::ChatMessage;
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::profile::Profile;
use chat_proto::version::SUPPORTED_CHAT_VRANGE;
use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentConfig, AgentEvent, RelayConfig};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use zeroize::Zeroizing;

use crate::clock::{Clock, SystemClock};
use crate::command::{self, ChatCommand};
use crate::error::{ChatError, Result};
use crate::output::ChatOutput;
use crate::store::{ChatStore, User};

pub use group_items::QuotedGroupItem;
pub use items_by_id::{ChatId, ItemDelete};

/// Settings of a [`Chat`].
pub struct ChatConfig {
    /// Database prefix: the files are `<prefix>_chat.db` and `<prefix>_agent*.db`.
    pub db_prefix: PathBuf,
    /// The passphrase of all database files (wiped on drop, never printed).
    pub passphrase: Zeroizing<String>,
    /// Relays for the first agent of each new user.
    pub relays: Vec<RelayConfig>,
    /// The bot API port (stored; the WebSocket server is not part of this crate yet).
    pub ws_port: Option<u16>,
    /// The clock (disappearing messages).
    pub clock: Arc<dyn Clock>,
    /// How often disappearing messages are checked.
    pub expiry_interval: Duration,
    /// Adjusts each agent's configuration (timeouts in tests).
    pub agent_tweak: Option<fn(&mut AgentConfig)>,
    /// XFTP relays (`xftp://...`) of users that did not set their own with `/xftp`.
    pub xftp_servers: Vec<String>,
    /// Where received files go when `/fr` names no path (else `~/Downloads` or `.`).
    pub files_folder: Option<PathBuf>,
    /// Where encrypted files are kept while they are sent and received.
    pub temp_folder: Option<PathBuf>,
    /// Received files up to this size are accepted without `/fr` (0: never).
    pub auto_accept_file_size: u64,
}

impl ChatConfig {
    /// A configuration with the system clock and default timings.
    pub fn new(db_prefix: impl Into<PathBuf>, passphrase: &str, relays: Vec<RelayConfig>) -> Self {
        ChatConfig {
            db_prefix: db_prefix.into(),
            passphrase: Zeroizing::new(passphrase.to_owned()),
            relays,
            ws_port: None,
            clock: Arc::new(SystemClock),
            expiry_interval: Duration::from_secs(1),
            agent_tweak: None,
            xftp_servers: Vec::new(),
            files_folder: None,
            temp_folder: None,
            auto_accept_file_size: 0,
        }
    }

    /// The chat database file.
    pub fn chat_db_path(&self) -> PathBuf {
        with_suffix(&self.db_prefix, "_chat.db")
    }

    /// An agent database file from its stored suffix (`_agent.db`, `_agent_2.db`, ...).
    pub fn agent_db_path(&self, suffix: &str) -> PathBuf {
        with_suffix(&self.db_prefix, suffix)
    }
}

impl std::fmt::Debug for ChatConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatConfig")
            .field("db_prefix", &self.db_prefix)
            .field("passphrase", &"<redacted>")
            .field("relays", &self.relays)
            .field("ws_port", &self.ws_port)
            .finish()
    }
}

/// `prefix` with `suffix` appended to its last component.
pub fn with_suffix(prefix: &std::path::Path, suffix: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The agent file suffix of user `id`.
fn agent_suffix(id: i64) -> String {
    if id == 1 {
        "_agent.db".to_owned()
    } else {
        format!("_agent_{id}.db")
    }
}

/// A running chat engine. Dropping it stops its tasks and agents.
#[derive(Debug)]
pub struct Chat {
    inner: Arc<Inner>,
    _guard: Guard,
}

#[derive(Debug)]
struct Guard(Arc<Inner>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.shutdown();
    }
}

#[derive(Debug)]
pub(crate) struct Inner {
    config: ChatConfig,
    store: ChatStore,
    agents: Mutex<HashMap<i64, Arc<Agent>>>,
    lock: tokio::sync::Mutex<()>,
    out: mpsc::UnboundedSender<ChatOutput>,
    agent_tx: mpsc::UnboundedSender<(i64, AgentEvent)>,
    tasks: Mutex<Vec<AbortHandle>>,
    files: files::FileState,
}

impl Chat {
    /// Opens the chat database (creating it when missing), starts the agents of all
    /// users and the event loop. Returns the engine and its stream of outputs.
    pub async fn open(config: ChatConfig) -> Result<(Chat, mpsc::UnboundedReceiver<ChatOutput>)> {
        let path = config.chat_db_path();
        let pass = config.passphrase.clone();
        let store = tokio::task::spawn_blocking(move || ChatStore::open(&path, &pass)).await??;
        let (out, out_rx) = mpsc::unbounded_channel();
        let (agent_tx, agent_rx) = mpsc::unbounded_channel();
        let files = files::FileState::new(config.files_folder.clone());
        let inner = Arc::new(Inner {
            config,
            store,
            agents: Mutex::new(HashMap::new()),
            lock: tokio::sync::Mutex::new(()),
            out,
            agent_tx,
            tasks: Mutex::new(Vec::new()),
            files,
        });
        let guard = Guard(inner.clone());
        for u in inner.store.users()? {
            inner.start_agent(&u).await?;
        }
        inner.spawn(events::event_loop(inner.clone(), agent_rx));
        inner.spawn(events::expiry_loop(inner.clone()));
        inner.spawn(files::file_loop(inner.clone()));
        Ok((
            Chat {
                inner,
                _guard: guard,
            },
            out_rx,
        ))
    }

    /// Parses and runs one command line; errors come back as [`ChatOutput::Error`].
    pub async fn execute(&self, line: &str) -> Vec<ChatOutput> {
        let result = match command::parse(line) {
            Ok(cmd) => self.execute_command(cmd).await,
            Err(e) => Err(e),
        };
        result.unwrap_or_else(|e| vec![ChatOutput::Error(error_text(&e))])
    }

    /// Runs a parsed command.
    pub async fn execute_command(&self, cmd: ChatCommand) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        self.inner.process(cmd).await
    }

    /// Sends a message with any content (links, images, voice notes) to a contact of the
    /// active user, as `@NAME text` does for text, replying to the message starting with
    /// `quoted`.
    pub async fn send_content(
        &self,
        contact: &str,
        content: MsgContent,
        quoted: Option<&str>,
    ) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        self.inner.send_text(contact, content, quoted).await
    }

    /// Sends a message with any content to a group of the active user, as `#GROUP text`
    /// does for text, replying to the message starting with `quoted`.
    pub async fn send_group_content(
        &self,
        group: &str,
        content: MsgContent,
        quoted: Option<&str>,
    ) -> Result<Vec<ChatOutput>> {
        let which = quoted.map(|prefix| QuotedGroupItem::Text {
            member: None,
            prefix,
        });
        self.send_group_reply(group, content, which).await
    }

    /// Sends a message with any content to a group of the active user, replying to
    /// the `quoted` message (its author goes with the quote).
    pub async fn send_group_reply(
        &self,
        group: &str,
        content: MsgContent,
        quoted: Option<QuotedGroupItem<'_>>,
    ) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        self.inner.send_group_text(group, content, quoted).await
    }

    /// Sends the file at `path` to a contact or group of the active user in a message
    /// with `content`, as `/f` does with an empty file content, replying to the item
    /// `quoted` (an item id of that chat) when given.
    pub async fn send_file(
        &self,
        to: crate::files_command::FileTarget,
        path: &str,
        content: MsgContent,
        quoted: Option<i64>,
    ) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        self.inner.send_file(to, path, content, quoted).await
    }

    /// The active user, if there is one.
    pub fn active_user(&self) -> Result<Option<User>> {
        Ok(self.inner.store.users()?.into_iter().find(|u| u.active))
    }

    /// Deletes the disappearing messages whose time has come (also done periodically).
    pub async fn expire_items(&self) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        self.inner.expire_items()
    }

    /// The chat store (for inspection).
    pub fn store(&self) -> &ChatStore {
        &self.inner.store
    }

    /// The agent of a user (for inspection).
    pub fn agent(&self, user_id: i64) -> Option<Arc<Agent>> {
        self.inner.agent(user_id).ok()
    }

    /// The configuration.
    pub fn config(&self) -> &ChatConfig {
        &self.inner.config
    }
}

/// The text shown for an error.
pub fn error_text(e: &ChatError) -> String {
    match e {
        ChatError::BadCommand(_) => format!("{e}\nuse /help for the list of commands"),
        _ => e.to_string(),
    }
}

impl Inner {
    fn spawn<F>(&self, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let h = tokio::spawn(fut);
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(h.abort_handle());
    }

    fn shutdown(&self) {
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(PoisonError::into_inner));
        tasks.iter().for_each(AbortHandle::abort);
        self.agents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn now(&self) -> i64 {
        self.config.clock.now()
    }

    /// Opens the agent of `user` and forwards its events to the event loop.
    async fn start_agent(&self, user: &User) -> Result<()> {
        let mut cfg = AgentConfig::new(
            self.config.agent_db_path(&user.agent_db),
            &self.config.passphrase,
            self.config.relays.clone(),
        );
        if let Some(tweak) = self.config.agent_tweak {
            tweak(&mut cfg);
        }
        let (agent, mut rx) = Agent::open(cfg).await?;
        let tx = self.agent_tx.clone();
        let uid = user.user_id;
        self.spawn(async move {
            while let Some(ev) = rx.recv().await {
                if tx.send((uid, ev)).is_err() {
                    break;
                }
            }
        });
        self.agents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(uid, Arc::new(agent));
        Ok(())
    }

    /// Stops every agent (their files can then be copied).
    fn stop_agents(&self) -> Vec<i64> {
        let mut agents = self.agents.lock().unwrap_or_else(PoisonError::into_inner);
        let ids = agents.keys().copied().collect();
        agents.clear();
        ids
    }

    fn agent(&self, user_id: i64) -> Result<Arc<Agent>> {
        self.agents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&user_id)
            .cloned()
            .ok_or_else(|| ChatError::Prohibited("the user's agent is not running".into()))
    }

    fn active_user(&self) -> Result<User> {
        self.store
            .users()?
            .into_iter()
            .find(|u| u.active)
            .ok_or(ChatError::NoActiveUser)
    }

    fn emit(&self, out: ChatOutput) {
        // the app may have stopped listening; outputs are then dropped
        let _ = self.out.send(out);
    }

    async fn process(&self, cmd: ChatCommand) -> Result<Vec<ChatOutput>> {
        use ChatCommand as C;
        match cmd {
            C::ShowActiveUser => Ok(vec![ChatOutput::ActiveUser(self.active_user()?)]),
            C::CreateUser { name, full_name } => self.create_user(&name, &full_name).await,
            C::ListUsers => Ok(vec![ChatOutput::Users(self.store.users()?)]),
            C::SetActiveUser(name) => self.set_active_user(&name),
            C::AddContact { incognito } => self.add_contact(incognito).await,
            C::Connect { incognito, link } => self.connect(incognito, &link).await,
            C::CreateAddress => self.create_address().await,
            C::ShowAddress => self.show_address(),
            C::DeleteAddress => self.delete_address().await,
            C::AcceptContact { incognito, name } => self.accept_request(incognito, &name).await,
            C::RejectContact(name) => self.reject_request(&name).await,
            C::AutoAccept { on, incognito } => {
                let u = self.active_user()?;
                self.store.set_auto_accept(u.user_id, on, incognito)?;
                Ok(vec![ChatOutput::AutoAccept { on, incognito }])
            }
            C::Incognito(on) => {
                let u = self.active_user()?;
                self.store.set_incognito(u.user_id, on)?;
                Ok(vec![ChatOutput::Incognito(on)])
            }
            C::DeleteContact(name) => self.delete_contact(&name).await,
            C::ListContacts => Ok(vec![ChatOutput::Contacts(
                self.store.contacts(self.active_user()?.user_id)?,
            )]),
            C::Send { name, text } => self.send_text(&name, MsgContent::text(&text), None).await,
            C::SendQuote { name, quoted, text } => {
                self.send_text(&name, MsgContent::text(&text), Some(&quoted))
                    .await
            }
            C::Edit { name, old, text } => self.edit(&name, &old, &text).await,
            C::Delete { name, text } => self.delete_item(&name, &text).await,
            C::React {
                add,
                emoji,
                name,
                text,
            } => self.react(&name, &text, emoji, add).await,
            C::SetDisappear { name, setting } => self.set_disappear(&name, setting).await,
            C::Tail { name, count } => self.tail(name.as_deref(), count),
            C::Servers(list) => self.servers(list).await,
            C::DbExport(path) => self.export(path).await,
            C::DbImport(_) => Err(ChatError::Prohibited(
                "the chat is running: import an archive when starting, with `simplex-chat -d PREFIX --import ARCHIVE`"
                    .into(),
            )),
            C::Help => Ok(vec![ChatOutput::Help]),
            C::Version => Ok(vec![ChatOutput::Version]),
            C::Quit => Ok(vec![ChatOutput::Quit]),
            C::Group(g) => self.group_command(g).await,
            C::File(f) => self.file_command(f).await,
        }
    }

    /// Encodes and sends one chat event on a connection; returns the agent message id.
    async fn send_event(
        &self,
        user_id: i64,
        conn: &str,
        msg_id: Option<Vec<u8>>,
        event: ChatMsgEvent,
    ) -> Result<i64> {
        let body = encode(msg_id, event)?;
        let agent = self.agent(user_id)?;
        let id = agent.send(&ConnId::from(conn), &body).await?;
        Ok(id.0)
    }
}

/// A chat message as the bytes sent through the agent.
fn encode(msg_id: Option<Vec<u8>>, event: ChatMsgEvent) -> Result<Vec<u8>> {
    let mut m = ChatMessage::new(SUPPORTED_CHAT_VRANGE, event);
    m.msg_id = msg_id.map(chat_proto::ids::SharedMsgId);
    Ok(m.encode()?)
}

/// The profile of a user as sent to contacts.
fn user_profile(u: &User) -> Profile {
    Profile {
        full_name: u.full_name.clone(),
        ..Profile::from_name(&u.display_name)
    }
}
