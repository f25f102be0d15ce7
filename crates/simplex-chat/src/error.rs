//! The chat engine's error type.

use simplex_agent::AgentError;

/// Everything that can fail in the chat engine.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// The command text could not be parsed.
    #[error("invalid command: {0}")]
    BadCommand(String),
    /// The database passphrase is wrong (or the file is not a chat database).
    #[error("wrong database passphrase (or the file is not a chat database)")]
    WrongPassphrase,
    /// An empty passphrase was given (the database must be encrypted).
    #[error("the database passphrase must not be empty")]
    EmptyPassphrase,
    /// The database was written by a newer version.
    #[error("the database has migration {0}, unknown to this version")]
    NewerMigration(String),
    /// There is no active user profile yet.
    #[error("no active user profile: create one with /create user NAME")]
    NoActiveUser,
    /// A user with that name exists already.
    #[error("user {0} already exists")]
    UserExists(String),
    /// No user with that name.
    #[error("no user {0}")]
    NoUser(String),
    /// No contact with that name.
    #[error("no contact {0}")]
    NoContact(String),
    /// No contact request with that name.
    #[error("no contact request from {0}")]
    NoRequest(String),
    /// The contact is not connected yet.
    #[error("contact {0} is not connected yet")]
    NotReady(String),
    /// No message matched.
    #[error("message not found")]
    NoItem,
    /// The user has no contact address.
    #[error("no chat address, to create: /ad")]
    NoAddress,
    /// The group has no link.
    #[error("no group link, to create: /create link #{0}")]
    NoGroupLink(String),
    /// The group has a link already.
    #[error("you already have link for this group, to show: /show link #{0}")]
    GroupLinkExists(String),
    /// The user has a contact address already.
    #[error("you already have chat address, to show: /sa")]
    AddressExists,
    /// An invalid display name.
    #[error("invalid display name: {0}")]
    BadName(String),
    /// An operation that is not allowed in this state.
    #[error("{0}")]
    Prohibited(String),
    /// The agent failed.
    #[error("agent: {0}")]
    Agent(#[from] AgentError),
    /// The chat protocol codec failed.
    #[error("chat message: {0}")]
    Proto(#[from] chat_proto::ChatProtoError),
    /// The chat database failed.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// A file operation failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// The archive could not be read or written.
    #[error("archive: {0}")]
    Archive(String),
    /// JSON failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// Randomness was unavailable.
    #[error("random: {0}")]
    Random(String),
    /// A file transfer failed.
    #[error("XFTP: {0}")]
    Xftp(#[from] xftp_client::ClientError),
    /// A background task failed.
    #[error("task: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A result with [`ChatError`].
pub type Result<T, E = ChatError> = std::result::Result<T, E>;
