//! Typed results of commands and events (the reference's `ChatResponse` / `ChatEvent`,
//! for what this engine does). [`crate::view`] renders them as terminal text.

use crate::store::{ChatItem, Contact, User};

/// One thing the engine reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatOutput {
    /// The active user.
    ActiveUser(User),
    /// The list of users.
    Users(Vec<User>),
    /// A one-time invitation was created.
    Invitation {
        /// The full link.
        link: String,
        /// The short link, when the relay made one.
        short_link: Option<String>,
        /// The random profile used on it, if incognito.
        incognito: Option<String>,
    },
    /// `/c LINK` sent the request.
    ConnectionSent {
        /// Whether the link was a contact address.
        via_address: bool,
        /// The random profile used on it, if incognito.
        incognito: Option<String>,
    },
    /// The user's contact address.
    Address {
        /// Newly created (else shown).
        created: bool,
        /// The full link.
        link: String,
        /// The short link.
        short_link: Option<String>,
    },
    /// The address was deleted.
    AddressDeleted,
    /// Auto-accept settings changed.
    AutoAccept {
        /// On or off.
        on: bool,
        /// With a random profile.
        incognito: bool,
    },
    /// Incognito default changed.
    Incognito(bool),
    /// A contact request arrived.
    ContactRequest {
        /// The name to use in `/ac`.
        name: String,
        /// The requester's full name.
        full_name: String,
    },
    /// A contact request was accepted.
    RequestAccepted {
        /// The request's name.
        name: String,
        /// The random profile used, if incognito.
        incognito: Option<String>,
    },
    /// A contact request was rejected.
    RequestRejected(String),
    /// A connection is established.
    ContactConnected {
        /// The contact.
        contact: Contact,
    },
    /// A contact was deleted.
    ContactDeleted(String),
    /// The contact deleted the user.
    ContactDeletedByContact(String),
    /// The user's contacts.
    Contacts(Vec<Contact>),
    /// A new item (sent or received) in the chat with `contact`.
    NewItem {
        /// The contact's local name.
        contact: String,
        /// The item.
        item: ChatItem,
    },
    /// An item was edited.
    ItemUpdated {
        /// The contact's local name.
        contact: String,
        /// The item after the edit.
        item: ChatItem,
    },
    /// An item was deleted or marked deleted.
    ItemDeleted {
        /// The contact's local name.
        contact: String,
        /// The item before deletion.
        item: ChatItem,
        /// Deleted by its sender for everyone (else locally).
        by_sender: bool,
    },
    /// A disappearing item's time ran out and it was deleted.
    ItemDisappeared {
        /// The contact's local name.
        contact: String,
        /// The item.
        item: ChatItem,
    },
    /// A reaction was added or removed.
    Reaction {
        /// The contact's local name.
        contact: String,
        /// The item reacted to.
        item: ChatItem,
        /// Added by the user (else by the contact).
        sent: bool,
        /// Added (else removed).
        added: bool,
        /// The emoji.
        emoji: String,
    },
    /// A delivery state changed (✓ sent, ✓✓ received).
    ItemStatus {
        /// The contact's local name.
        contact: String,
        /// The item.
        item: ChatItem,
    },
    /// The disappearing-messages preference of a chat changed.
    Disappearing {
        /// The contact's local name.
        contact: String,
        /// Set by the user (else by the contact).
        by_user: bool,
        /// Whether the user allows it.
        user_allows: bool,
        /// Whether the contact allows it.
        contact_allows: bool,
        /// The time to live.
        ttl: Option<i64>,
    },
    /// Chat history.
    History(Vec<(String, ChatItem)>),
    /// The user's relays.
    Servers(Vec<String>),
    /// The database was exported.
    ArchiveExported(String),
    /// Help text.
    Help,
    /// The version.
    Version,
    /// A command was refused or failed.
    Error(String),
    /// Something happened for a user other than the active one.
    ForUser {
        /// The user's name.
        user: String,
        /// What happened.
        output: Box<ChatOutput>,
    },
    /// `/quit`.
    Quit,
    /// Something in a group.
    Group(crate::groups_output::GroupOutput),
    /// Something about a file.
    File(crate::files_output::FileOutput),
}
