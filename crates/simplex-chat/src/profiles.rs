//! Random profiles for incognito connections (an adjective and a noun, like the
//! reference's `ProfileGenerator`).

use chat_proto::profile::Profile;

use crate::error::{ChatError, Result};

const ADJECTIVES: &[&str] = &[
    "Brave", "Calm", "Clever", "Eager", "Fancy", "Gentle", "Happy", "Jolly", "Kind", "Lively",
    "Lucky", "Mighty", "Nimble", "Polite", "Proud", "Quiet", "Rapid", "Shiny", "Silly", "Swift",
    "Tidy", "Vivid", "Witty", "Zesty",
];

const NOUNS: &[&str] = &[
    "Badger", "Beaver", "Bison", "Dolphin", "Eagle", "Falcon", "Ferret", "Gecko", "Heron",
    "Jaguar", "Koala", "Lemur", "Lynx", "Marten", "Otter", "Panda", "Puffin", "Raven", "Salmon",
    "Seal", "Tiger", "Walrus", "Wombat", "Zebra",
];

/// A fresh random profile with an empty full name.
pub fn random_profile() -> Result<Profile> {
    let mut b = [0u8; 2];
    getrandom::fill(&mut b).map_err(|e| ChatError::Random(e.to_string()))?;
    let adj = ADJECTIVES[usize::from(b[0]) % ADJECTIVES.len()];
    let noun = NOUNS[usize::from(b[1]) % NOUNS.len()];
    Ok(Profile::from_name(&format!("{adj}{noun}")))
}

/// Random bytes (message ids).
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| ChatError::Random(e.to_string()))?;
    Ok(b)
}

/// Whether a display name is acceptable: not empty, no leading `#`, `@` or `'`, no
/// spaces, commas or quotes (so it can be typed after `@`).
pub fn valid_display_name(name: &str) -> bool {
    let mut cs = name.chars();
    let Some(first) = cs.next() else { return false };
    first > ' '
        && first != '#'
        && first != '@'
        && name
            .chars()
            .all(|c| !c.is_whitespace() && c != ',' && c != '\'')
        && name.chars().count() <= 50
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn random_profiles_are_valid_names() {
        for _ in 0..20 {
            let p = random_profile().unwrap();
            assert!(valid_display_name(&p.display_name), "{}", p.display_name);
            assert!(p.full_name.is_empty());
        }
    }

    #[test]
    fn display_name_rules() {
        assert!(valid_display_name("alice"));
        assert!(valid_display_name("bob_1"));
        assert!(!valid_display_name(""));
        assert!(!valid_display_name("#group"));
        assert!(!valid_display_name("@bob"));
        assert!(!valid_display_name("two words"));
    }
}
