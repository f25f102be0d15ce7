//! File commands in the reference's syntax (`chatCommandP` in `Commands.hs`):
//! `/file|/f [@|#]NAME PATH`, `/freceive|/fr N [approved_relays=on|off] [encrypt=on|off]
//! [inline=on|off] [PATH]`, `/fcancel|/fc N`, `/fstatus|/fs N`, `/xftp [SERVERS]` and
//! `/_files_folder PATH` (also `/files_folder PATH`).

/// The chat a file is sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileTarget {
    /// `@name` (or a bare name).
    Contact(String),
    /// `#group`.
    Group(String),
}

/// A parsed file command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCommand {
    /// `/f @name PATH` / `/f #group PATH`.
    Send {
        /// The chat.
        to: FileTarget,
        /// The file to send.
        path: String,
    },
    /// `/fr N [PATH]`: accept a received file.
    Receive {
        /// The file number.
        file_id: i64,
        /// Where to save it: a directory (ends with `/` or exists) or a file path.
        path: Option<String>,
    },
    /// `/fc N`: cancel sending or receiving.
    Cancel(i64),
    /// `/fs N`: show the state.
    Status(i64),
    /// `/xftp [SERVERS]`: show or set the active user's XFTP relays.
    XftpServers(Option<Vec<String>>),
    /// `/_files_folder PATH`: where received files go by default.
    FilesFolder(String),
}

/// A display name: `'quoted name'` or a run up to a space; and the rest.
fn name(s: &str) -> Option<(String, &str)> {
    if let Some(rest) = s.strip_prefix('\'') {
        let end = rest.find('\'')?;
        return (end > 0).then(|| (rest[..end].to_owned(), &rest[end + 1..]));
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (end > 0).then(|| (s[..end].to_owned(), &s[end..]))
}

fn number(s: &str) -> Option<(i64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n = s[..end].parse().ok()?;
    Some((n, &s[end..]))
}

/// `approved_relays=`, `encrypt=` and `inline=` options of `/fr` (accepted, not used:
/// files are received over XFTP, unencrypted on disk).
fn skip_receive_options(mut s: &str) -> Option<&str> {
    for opt in [" approved_relays=", " encrypt=", " inline="] {
        if let Some(r) = s.strip_prefix(opt) {
            s = r.strip_prefix("on").or_else(|| r.strip_prefix("off"))?;
        }
    }
    Some(s)
}

fn send(rest: &str) -> Option<FileCommand> {
    let (to, rest) = match rest.chars().next()? {
        '#' => {
            let (n, r) = name(&rest[1..])?;
            (FileTarget::Group(n), r)
        }
        '@' => {
            let (n, r) = name(&rest[1..])?;
            (FileTarget::Contact(n), r)
        }
        _ => {
            let (n, r) = name(rest)?;
            (FileTarget::Contact(n), r)
        }
    };
    let path = rest.strip_prefix(' ')?.trim();
    (!path.is_empty()).then(|| FileCommand::Send {
        to,
        path: path.to_owned(),
    })
}

fn receive(rest: &str) -> Option<FileCommand> {
    let (file_id, rest) = number(rest)?;
    let rest = skip_receive_options(rest)?;
    let path = if rest.is_empty() {
        None
    } else {
        let p = rest.strip_prefix(' ')?.trim();
        (!p.is_empty()).then(|| p.to_owned())
    };
    Some(FileCommand::Receive { file_id, path })
}

fn only_number(rest: &str) -> Option<i64> {
    let (n, after) = number(rest)?;
    after.trim().is_empty().then_some(n)
}

/// Parses a slash command (without the `/`) that is a file command.
pub fn parse_slash(r: &str) -> Option<FileCommand> {
    let word = |alts: &[&str]| alts.iter().find_map(|a| r.strip_prefix(a));
    if let Some(rest) = word(&["file ", "f "]) {
        return send(rest);
    }
    if let Some(rest) = word(&["freceive ", "fr "]) {
        return receive(rest);
    }
    if let Some(rest) = word(&["fcancel ", "fc "]) {
        return only_number(rest).map(FileCommand::Cancel);
    }
    if let Some(rest) = word(&["fstatus ", "fs "]) {
        return only_number(rest).map(FileCommand::Status);
    }
    if r == "xftp" {
        return Some(FileCommand::XftpServers(None));
    }
    if let Some(rest) = r.strip_prefix("xftp ") {
        let list: Vec<String> = rest
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        return (!list.is_empty()).then_some(FileCommand::XftpServers(Some(list)));
    }
    if let Some(rest) = word(&["_files_folder ", "files_folder "]) {
        let p = rest.trim();
        return (!p.is_empty()).then(|| FileCommand::FilesFolder(p.to_owned()));
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use FileCommand as F;

    #[test]
    fn file_commands() {
        assert_eq!(
            parse_slash("f @bob ./tests/fixtures/test.pdf").unwrap(),
            F::Send {
                to: FileTarget::Contact("bob".into()),
                path: "./tests/fixtures/test.pdf".into()
            }
        );
        assert_eq!(
            parse_slash("file #team my file.txt").unwrap(),
            F::Send {
                to: FileTarget::Group("team".into()),
                path: "my file.txt".into()
            }
        );
        assert_eq!(
            parse_slash("f 'Bob Smith' a.txt").unwrap(),
            F::Send {
                to: FileTarget::Contact("Bob Smith".into()),
                path: "a.txt".into()
            }
        );
        assert!(parse_slash("f @bob").is_none());
        assert_eq!(
            parse_slash("fr 1 ./tests/tmp").unwrap(),
            F::Receive {
                file_id: 1,
                path: Some("./tests/tmp".into())
            }
        );
        assert_eq!(
            parse_slash("freceive 12").unwrap(),
            F::Receive {
                file_id: 12,
                path: None
            }
        );
        assert_eq!(
            parse_slash("fr 1 approved_relays=on encrypt=off ./x/").unwrap(),
            F::Receive {
                file_id: 1,
                path: Some("./x/".into())
            }
        );
        assert!(parse_slash("fr x").is_none());
        assert_eq!(parse_slash("fc 3").unwrap(), F::Cancel(3));
        assert_eq!(parse_slash("fstatus 4").unwrap(), F::Status(4));
        assert!(parse_slash("fs 4 5").is_none());
        assert_eq!(parse_slash("xftp").unwrap(), F::XftpServers(None));
        assert_eq!(
            parse_slash("xftp xftp://a@b xftp://c@d").unwrap(),
            F::XftpServers(Some(vec!["xftp://a@b".into(), "xftp://c@d".into()]))
        );
        assert_eq!(
            parse_slash("_files_folder ./tests/tmp/").unwrap(),
            F::FilesFolder("./tests/tmp/".into())
        );
        assert!(parse_slash("fx 1").is_none());
    }
}
