//! Terminal text of [`FileOutput`]s, after the reference's `View.hs` file texts
//! (`receivedFileInvitation_`, `savingFile'`, `receivingFile_'`, `uploadingFile`,
//! `viewSndFileCancelled`, `viewFileTransferStatusXFTP`).

use crate::files_output::FileOutput;
use crate::store::{FileRecord, FileStatus};

/// The reference's `humanReadableSize`: bytes below 1 KiB, else one decimal of KiB,
/// MiB or GiB.
pub fn human_size(size: i64) -> String {
    const KB: i64 = 1024;
    let unit = |div: i64, name: &str| format!("{:.1} {name}", size as f64 / div as f64);
    if size < KB {
        format!("{size} bytes")
    } else if size < KB * KB {
        unit(KB, "KiB")
    } else if size < KB * KB * KB {
        unit(KB * KB, "MiB")
    } else {
        unit(KB * KB * KB, "GiB")
    }
}

fn file_str(file_id: i64, name: &str) -> String {
    format!("file {file_id} ({name})")
}

fn with_error(line: String, error: &Option<String>) -> Vec<String> {
    let mut v = vec![line];
    v.extend(error.iter().cloned());
    v
}

fn percent(done: u64, total: u64) -> u64 {
    done.saturating_mul(100).checked_div(total).unwrap_or(0)
}

fn status(f: &FileRecord, progress: Option<(u64, u64)>) -> String {
    use FileStatus as S;
    let fstr = file_str(f.file_id, &f.file_name);
    let size = human_size(f.file_size);
    let (done, total) = progress.unwrap_or((0, 1));
    match f.status {
        S::SndStored => format!("sending {fstr} just started"),
        S::SndTransfer => format!(
            "sending {fstr} in progress {}% of {size}",
            percent(done, total)
        ),
        S::SndComplete => format!("sending {fstr} complete"),
        S::SndCancelled => format!("sending {fstr} cancelled"),
        S::SndError => format!("sending {fstr} error"),
        S::RcvInvitation => format!(
            "receiving {fstr} not accepted yet, use /fr {} to receive file",
            f.file_id
        ),
        S::RcvAccepted => format!("receiving {fstr} just started"),
        S::RcvTransfer => format!(
            "receiving {fstr} progress {}% of {size}",
            percent(done, total)
        ),
        S::RcvComplete => match &f.file_path {
            Some(p) => format!("receiving {fstr} complete, path: {p}"),
            None => format!("receiving {fstr} complete"),
        },
        S::RcvCancelled => format!("receiving {fstr} cancelled"),
        S::RcvError => format!("receiving {fstr} error"),
    }
}

/// The lines of the user's file item (the reference's `viewSentFileInvitation`) sent
/// `to` `@contact` or `#group`: the command, then how to cancel unless it is uploading.
pub fn sent_file_lines(to: &str, f: &FileRecord) -> Vec<String> {
    let Some(path) = &f.file_path else {
        return Vec::new();
    };
    let mut v = vec![format!("/f {to} {path}")];
    if f.status != FileStatus::SndTransfer {
        v.push(format!("use /fc {} to cancel sending", f.file_id));
    }
    v
}

/// The lines of a received file item after the sender's prefix (the reference's
/// `receivedFileInvitation_`): name and size, then how to accept unless accepted.
pub fn received_file_lines(f: &FileRecord) -> Vec<String> {
    let mut v = vec![format!(
        "sends file {} ({} / {} bytes)",
        f.file_name,
        human_size(f.file_size),
        f.file_size
    )];
    if f.status != FileStatus::RcvAccepted {
        v.push(format!(
            "use /fr {} [<dir>/ | <path>] to receive it",
            f.file_id
        ));
    }
    v
}

/// Renders a file output as lines of text.
pub fn render(out: &FileOutput) -> Vec<String> {
    match out {
        FileOutput::Saving {
            file_id,
            from,
            path,
        } => vec![format!("saving file {file_id} from {from} to {path}")],
        FileOutput::Receiving {
            what,
            file_id,
            name,
            from,
            error,
        } => with_error(
            format!("{what} receiving {} from {from}", file_str(*file_id, name)),
            error,
        ),
        FileOutput::SenderCancelled {
            file_id,
            name,
            from,
        } => vec![format!(
            "{from} cancelled sending {}",
            file_str(*file_id, name)
        )],
        FileOutput::Uploading {
            what,
            file_id,
            name,
            to,
            error,
        } => with_error(
            format!("{what} uploading {} for {to}", file_str(*file_id, name)),
            error,
        ),
        FileOutput::SndCancelled {
            file_id,
            name,
            pending,
        } => {
            let mut line = format!("cancelled sending {}", file_str(*file_id, name));
            if !pending.is_empty() {
                line.push_str(&format!(" to {}", pending.join(", ")));
            }
            vec![line]
        }
        FileOutput::Status { file, progress } => vec![status(file, *progress)],
        FileOutput::XftpServers(list) => list.clone(),
        FileOutput::Ok => vec!["ok".to_owned()],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    // Sizes and texts from the reference's tests/ChatTests/Files.hs
    // (testXFTPFileTransfer, testAutoAcceptFile, testXFTPCancelRcvRepeat,
    // runTestSmallFileTransfer).
    #[test]
    fn sizes_as_the_reference() {
        assert_eq!(human_size(272_376), "266.0 KiB");
        assert_eq!(human_size(139_737), "136.5 KiB");
        assert_eq!(human_size(1_042_157), "1017.7 KiB");
        assert_eq!(human_size(17_825_792), "17.0 MiB");
        assert_eq!(human_size(11), "11 bytes");
    }

    #[test]
    fn texts_as_the_reference() {
        let mut f = FileRecord {
            file_id: 1,
            user_id: 1,
            sent: false,
            contact_id: None,
            group_id: Some(1),
            peer: "alice".into(),
            shared_msg_id: Vec::new(),
            file_name: "test.pdf".into(),
            file_size: 272_376,
            xftp: true,
            file_path: None,
            fs_path: None,
            status: FileStatus::RcvInvitation,
            descr_text: String::new(),
            descr_next_part: 1,
            descr_complete: false,
            snd_descr: None,
        };
        assert_eq!(
            received_file_lines(&f),
            [
                "sends file test.pdf (266.0 KiB / 272376 bytes)",
                "use /fr 1 [<dir>/ | <path>] to receive it"
            ]
        );
        f.status = FileStatus::RcvAccepted;
        assert_eq!(received_file_lines(&f).len(), 1);
        f.sent = true;
        f.file_path = Some("./test.pdf".into());
        f.status = FileStatus::SndStored;
        assert_eq!(
            sent_file_lines("#team", &f),
            ["/f #team ./test.pdf", "use /fc 1 to cancel sending"]
        );
        f.status = FileStatus::SndTransfer;
        assert_eq!(sent_file_lines("#team", &f), ["/f #team ./test.pdf"]);
        let up = FileOutput::Uploading {
            what: "completed",
            file_id: 1,
            name: "test.pdf".into(),
            to: "#team".into(),
            error: None,
        };
        assert_eq!(
            render(&up),
            ["completed uploading file 1 (test.pdf) for #team"]
        );
        let cancel = FileOutput::SndCancelled {
            file_id: 1,
            name: "test.pdf".into(),
            pending: vec!["bob".into(), "cath".into()],
        };
        assert_eq!(
            render(&cancel),
            ["cancelled sending file 1 (test.pdf) to bob, cath"]
        );
        let mut f = FileRecord {
            file_id: 1,
            user_id: 1,
            sent: false,
            contact_id: Some(1),
            group_id: None,
            peer: "alice".into(),
            shared_msg_id: vec![1],
            file_name: "test.pdf".into(),
            file_size: 272_376,
            xftp: true,
            file_path: Some("./tests/tmp/test.pdf".into()),
            fs_path: None,
            status: FileStatus::RcvComplete,
            descr_text: String::new(),
            descr_next_part: 1,
            descr_complete: true,
            snd_descr: None,
        };
        let st = |f: &FileRecord, p| {
            render(&FileOutput::Status {
                file: f.clone(),
                progress: p,
            })
        };
        assert_eq!(
            st(&f, None),
            ["receiving file 1 (test.pdf) complete, path: ./tests/tmp/test.pdf"]
        );
        f.status = FileStatus::RcvInvitation;
        assert_eq!(
            st(&f, None),
            ["receiving file 1 (test.pdf) not accepted yet, use /fr 1 to receive file"]
        );
        f.status = FileStatus::RcvTransfer;
        assert_eq!(
            st(&f, Some((0, 10))),
            ["receiving file 1 (test.pdf) progress 0% of 266.0 KiB"]
        );
    }
}
