//! Errors as bots see them: `ChatError` and the types inside it (`ChatErrorType`,
//! `StoreError`, `AgentErrorType` and the protocol errors it carries).
//!
//! These are data, not this crate's own error ([`crate::ChatApiError`]).

use crate::contact::Contact;
use crate::group::GroupInfo;
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};

/// An error of the chat (`ChatError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ChatError {
    /// A chat-level error.
    Error {
        /// Which.
        error_type: ChatErrorType,
    },
    /// An agent error on a connection.
    ErrorAgent {
        /// Which.
        agent_error: AgentErrorType,
        /// The agent connection it happened on.
        agent_conn_id: String,
    },
    /// A database error.
    ErrorStore {
        /// Which.
        store_error: StoreError,
    },
}

impl ChatError {
    /// A chat-level error.
    pub fn chat(error_type: ChatErrorType) -> Self {
        ChatError::Error { error_type }
    }

    /// A database error.
    pub fn store(store_error: StoreError) -> Self {
        ChatError::ErrorStore { store_error }
    }
}

/// The direction of a message (`MsgDirection`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MsgDirection {
    /// Received.
    Rcv,
    /// Sent.
    Snd,
}

/// A chat-level error (`ChatErrorType`); the cases bots meet.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ChatErrorType {
    /// No user is active.
    NoActiveUser,
    /// No user owns the connection.
    NoConnectionUser {
        /// The connection.
        agent_conn_id: String,
    },
    /// The user is not known.
    UserUnknown,
    /// A user with that name exists.
    UserExists {
        /// The name.
        contact_name: String,
    },
    /// The command names another user than the active one.
    DifferentActiveUser {
        /// The user in the command.
        command_user_id: i64,
        /// The active user.
        active_user_id: i64,
    },
    /// The active user cannot be deleted.
    CantDeleteActiveUser {
        /// The user.
        user_id: i64,
    },
    /// The last user cannot be deleted.
    CantDeleteLastUser {
        /// The user.
        user_id: i64,
    },
    /// The display name is not allowed.
    InvalidDisplayName {
        /// The name given.
        display_name: String,
        /// A name that would be allowed.
        valid_name: String,
    },
    /// The chat is not started.
    ChatNotStarted,
    /// The chat is not stopped.
    ChatNotStopped,
    /// The link is not valid.
    InvalidConnReq,
    /// The link is not supported.
    UnsupportedConnReq,
    /// The contact is not ready.
    ContactNotReady {
        /// The contact.
        contact: Box<Contact>,
    },
    /// The contact is not active.
    ContactNotActive {
        /// The contact.
        contact: Box<Contact>,
    },
    /// The contact is disabled.
    ContactDisabled {
        /// The contact.
        contact: Box<Contact>,
    },
    /// The user's role is too low.
    GroupUserRole {
        /// The group.
        group_info: Box<GroupInfo>,
        /// The role needed.
        required_role: GroupMemberRole,
    },
    /// The contact is already a member.
    GroupDuplicateMember {
        /// The contact's name.
        contact_name: String,
    },
    /// The user has not joined the group.
    GroupNotJoined {
        /// The group.
        group_info: Box<GroupInfo>,
    },
    /// The member is not active.
    GroupMemberNotActive,
    /// The member was not found.
    GroupMemberNotFound,
    /// An internal group error.
    GroupInternal {
        /// The description.
        message: String,
    },
    /// The file was not found.
    FileNotFound {
        /// The description.
        message: String,
    },
    /// The file is too large.
    FileSize {
        /// The file.
        file_path: String,
    },
    /// The file is already being received.
    FileAlreadyReceiving {
        /// The description.
        message: String,
    },
    /// The file was cancelled.
    FileCancelled {
        /// The description.
        message: String,
    },
    /// The file needs approval of unknown relays.
    FileNotApproved {
        /// The file.
        file_id: i64,
        /// The unknown relays.
        unknown_servers: Vec<String>,
    },
    /// The item cannot be forwarded.
    InvalidForward,
    /// The item cannot be updated.
    InvalidChatItemUpdate,
    /// The item cannot be deleted.
    InvalidChatItemDelete,
    /// Direct messages are prohibited.
    DirectMessagesProhibited {
        /// Which way.
        direction: MsgDirection,
        /// The contact.
        contact: Box<Contact>,
    },
    /// The agent version is not supported.
    AgentVersion,
    /// The command is invalid.
    CommandError {
        /// The description.
        message: String,
    },
    /// The agent rejected a command.
    AgentCommandError {
        /// The description.
        message: String,
    },
    /// The peer's chat version is not compatible.
    PeerChatVRangeIncompatible,
    /// An internal error.
    InternalError {
        /// The description.
        message: String,
    },
    /// An exception.
    Exception {
        /// The description.
        message: String,
    },
}

/// A database error (`StoreError`); the cases bots meet.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum StoreError {
    /// The name is taken.
    DuplicateName,
    /// No such user.
    UserNotFound {
        /// The user.
        user_id: i64,
    },
    /// No user with that name.
    UserNotFoundByName {
        /// The name.
        contact_name: String,
    },
    /// No such contact.
    ContactNotFound {
        /// The contact.
        contact_id: i64,
    },
    /// No contact with that name.
    ContactNotFoundByName {
        /// The name.
        contact_name: String,
    },
    /// The contact is not ready.
    ContactNotReady {
        /// The name.
        contact_name: String,
    },
    /// The address exists.
    DuplicateContactLink,
    /// The user has no address.
    UserContactLinkNotFound,
    /// No such contact request.
    ContactRequestNotFound {
        /// The request.
        contact_request_id: i64,
    },
    /// No contact request with that name.
    ContactRequestNotFoundByName {
        /// The name.
        contact_name: String,
    },
    /// No such group.
    GroupNotFound {
        /// The group.
        group_id: i64,
    },
    /// No group with that name.
    GroupNotFoundByName {
        /// The name.
        group_name: String,
    },
    /// No member with that name.
    GroupMemberNameNotFound {
        /// The group.
        group_id: i64,
        /// The name.
        group_member_name: String,
    },
    /// No such member.
    GroupMemberNotFound {
        /// The member.
        group_member_id: i64,
    },
    /// No member with that member id.
    GroupMemberNotFoundByMemberId {
        /// The member id.
        member_id: String,
    },
    /// The group has no user member.
    GroupWithoutUser,
    /// The member exists.
    DuplicateGroupMember,
    /// The group was joined already.
    GroupAlreadyJoined,
    /// No such invitation.
    GroupInvitationNotFound,
    /// No such sent file.
    SndFileNotFound {
        /// The file.
        file_id: i64,
    },
    /// No such received file.
    RcvFileNotFound {
        /// The file.
        file_id: i64,
    },
    /// No such file.
    FileNotFound {
        /// The file.
        file_id: i64,
    },
    /// The received file is invalid.
    RcvFileInvalid {
        /// The file.
        file_id: i64,
    },
    /// No such connection.
    ConnectionNotFound {
        /// The connection.
        agent_conn_id: String,
    },
    /// No connection with that id.
    ConnectionNotFoundById {
        /// The connection.
        conn_id: i64,
    },
    /// No such pending connection.
    PendingConnectionNotFound {
        /// The connection.
        conn_id: i64,
    },
    /// Unique id collision.
    #[serde(rename = "uniqueID")]
    UniqueId,
    /// The message is too large.
    LargeMsg,
    /// An internal error.
    InternalError {
        /// The description.
        message: String,
    },
    /// A database exception.
    #[serde(rename = "dBException")]
    DbException {
        /// The description.
        message: String,
    },
    /// The database is busy.
    #[serde(rename = "dBBusyError")]
    DbBusyError {
        /// The description.
        message: String,
    },
    /// No such item.
    ChatItemNotFound {
        /// The item.
        item_id: i64,
    },
    /// No item with that text.
    ChatItemNotFoundByText {
        /// The text.
        text: String,
    },
    /// No item with that shared id.
    ChatItemSharedMsgIdNotFound {
        /// The shared id.
        shared_msg_id: String,
    },
    /// No such notes folder.
    NoteFolderNotFound {
        /// The folder.
        note_folder_id: i64,
    },
    /// The user has no notes folder.
    UserNoteFolderNotFound,
    /// No such profile.
    ProfileNotFound {
        /// The profile.
        profile_id: i64,
    },
    /// The group has a link already.
    DuplicateGroupLink {
        /// The group.
        group_info: Box<GroupInfo>,
    },
    /// The group has no link.
    GroupLinkNotFound {
        /// The group.
        group_info: Box<GroupInfo>,
    },
    /// The quoted item is invalid.
    InvalidQuote,
    /// A mention is invalid.
    InvalidMention,
}

/// An agent error (`AgentErrorType`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum AgentErrorType {
    /// A bad command.
    Cmd {
        /// Which.
        cmd_err: CommandErrorType,
        /// Where.
        err_context: String,
    },
    /// A connection error.
    Conn {
        /// Which.
        conn_err: ConnectionErrorType,
        /// Where.
        err_context: String,
    },
    /// No such user.
    NoUser,
    /// An SMP relay error.
    Smp {
        /// The relay.
        server_address: String,
        /// Which.
        smp_err: ErrorType,
    },
    /// A notification server error.
    Ntf {
        /// The server.
        server_address: String,
        /// Which.
        ntf_err: ErrorType,
    },
    /// An XFTP relay error.
    Xftp {
        /// The relay.
        server_address: String,
        /// Which.
        xftp_err: XftpErrorType,
    },
    /// A file error.
    File {
        /// Which.
        file_err: FileErrorType,
    },
    /// A transport error.
    Broker {
        /// The relay.
        broker_address: String,
        /// Which.
        broker_err: BrokerErrorType,
    },
    /// An agent protocol error.
    Agent {
        /// Which.
        agent_err: SmpAgentError,
    },
    /// An internal error.
    Internal {
        /// The description.
        internal_err: String,
    },
    /// A critical error.
    Critical {
        /// Whether restarting may help.
        #[serde(default)]
        offer_restart: bool,
        /// The description.
        critical_err: String,
    },
    /// The agent is not active.
    Inactive,
}

/// A bad agent command (`CommandErrorType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommandErrorType {
    /// Prohibited.
    Prohibited,
    /// Bad syntax.
    Syntax,
    /// No connection.
    NoConn,
    /// Bad size.
    Size,
    /// Too large.
    Large,
}

/// A connection error (`ConnectionErrorType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionErrorType {
    /// Not found.
    NotFound,
    /// Exists.
    Duplicate,
    /// Bad SimpleX message.
    Simplex,
    /// Not accepted.
    NotAccepted,
    /// Not available.
    NotAvailable,
}

/// A bad relay command (`CommandError`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommandError {
    /// Unknown command.
    Unknown,
    /// Bad syntax.
    Syntax,
    /// Prohibited.
    Prohibited,
    /// Authorization missing.
    NoAuth,
    /// Authorization not expected.
    HasAuth,
    /// Entity id missing.
    NoEntity,
}

/// An SMP relay error (`ErrorType`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum ErrorType {
    /// Bad block.
    Block,
    /// Bad session.
    Session,
    /// Bad command.
    Cmd {
        /// Which.
        cmd_err: CommandError,
    },
    /// Not authorized.
    Auth,
    /// Service error.
    Service,
    /// Crypto error.
    Crypto,
    /// Quota exceeded.
    Quota,
    /// Store error.
    Store {
        /// The description.
        store_err: String,
    },
    /// No message.
    NoMsg,
    /// Message too large.
    LargeMsg,
    /// Expired.
    Expired,
    /// Internal error.
    Internal,
    /// Duplicate.
    #[serde(rename = "DUPLICATE_")]
    Duplicate,
}

/// An XFTP relay error (`XFTPErrorType`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum XftpErrorType {
    /// Bad block.
    Block,
    /// Bad session.
    Session,
    /// Handshake failed.
    Handshake,
    /// Bad command.
    Cmd {
        /// Which.
        cmd_err: CommandError,
    },
    /// Not authorized.
    Auth,
    /// Bad size.
    Size,
    /// Quota exceeded.
    Quota,
    /// Digest mismatch.
    Digest,
    /// Crypto error.
    Crypto,
    /// No file.
    NoFile,
    /// File exists.
    HasFile,
    /// File IO error.
    FileIo,
    /// Timeout.
    Timeout,
    /// Internal error.
    Internal,
    /// Duplicate.
    #[serde(rename = "DUPLICATE_")]
    Duplicate,
}

/// An agent file error (`FileErrorType`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FileErrorType {
    /// Relays not approved.
    NotApproved,
    /// Bad size.
    Size,
    /// Bad redirect.
    Redirect {
        /// The description.
        #[serde(rename = "redirectError")]
        redirect_error: String,
    },
    /// File IO error.
    FileIo {
        /// The description.
        #[serde(rename = "fileIOError")]
        file_io_error: String,
    },
    /// No file.
    NoFile,
}

/// A network error (`NetworkError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum NetworkError {
    /// Connecting failed.
    ConnectError {
        /// The description.
        connect_error: String,
    },
    /// TLS failed.
    #[serde(rename = "tLSError")]
    TlsError {
        /// The description.
        tls_error: String,
    },
    /// Unknown certificate authority.
    #[serde(rename = "unknownCAError")]
    UnknownCaError,
    /// Failed.
    FailedError,
    /// Timed out.
    TimeoutError,
    /// Subscribing failed.
    SubscribeError {
        /// The description.
        subscribe_error: String,
    },
}

/// A transport handshake error (`HandshakeError`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandshakeError {
    /// Parse error.
    Parse,
    /// Wrong identity.
    Identity,
    /// Bad authorization.
    BadAuth,
    /// Bad service.
    BadService,
}

/// A transport error (`TransportError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum TransportError {
    /// Bad block.
    BadBlock,
    /// Bad version.
    Version,
    /// Message too large.
    LargeMsg,
    /// Bad session.
    BadSession,
    /// Relay not authenticated.
    NoServerAuth,
    /// Handshake failed.
    Handshake {
        /// Which.
        handshake_err: HandshakeError,
    },
}

/// A transport-level error talking to a relay (`BrokerErrorType`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum BrokerErrorType {
    /// Bad response.
    Response {
        /// The description.
        resp_err: String,
    },
    /// Unexpected response.
    Unexpected {
        /// The description.
        resp_err: String,
    },
    /// Network error.
    Network {
        /// Which.
        network_error: NetworkError,
    },
    /// Host error.
    Host,
    /// No service.
    NoService,
    /// Transport error.
    Transport {
        /// Which.
        transport_err: TransportError,
    },
    /// Timed out.
    Timeout,
}

/// A crypto error of the agent (`AgentCryptoError`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgentCryptoError {
    /// AES decryption failed.
    DecryptAes,
    /// crypto_box decryption failed.
    DecryptCb,
    /// Bad ratchet header.
    RatchetHeader,
    /// Ratchet out of sync.
    RatchetSync,
}

/// An agent protocol error (`SMPAgentError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum SmpAgentError {
    /// Bad message.
    AMessage,
    /// Prohibited message.
    AProhibited {
        /// The description.
        prohibited_err: String,
    },
    /// Bad version.
    AVersion,
    /// Bad link.
    ALink {
        /// The description.
        link_err: String,
    },
    /// Crypto error.
    ACrypto {
        /// Which.
        crypto_err: AgentCryptoError,
    },
    /// Duplicate message.
    ADuplicate,
    /// Queue error.
    AQueue {
        /// The description.
        queue_err: String,
    },
}
