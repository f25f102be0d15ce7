//! `xftp`: send, receive and delete files through XFTP relays, and show descriptions,
//! with the commands and outputs of the reference's XFTP CLI (`Client/Main.hs`).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use xftp_client::{
    ClientConfig, Progress, ReceiveOptions, Relay, SendOptions, XftpPool, delete_file,
    receive_file, send_file, unique_path,
};
use xftp_desc::{FileParty, ValidFileDescription, group_replicas_by_server, size_to_string};

/// The relays used when `-s` is not given (the reference's `defaultXFTPServers`).
const DEFAULT_SERVERS: &str = "xftp://da1aH3nOT-9G8lV7bWamhxpDYdJ1xmW7j3JpGaDR5Ug=@xftp1.simplex.im;\
xftp://5vog2Imy1ExJB_7zDZrkV1KDWi96jYFyy9CL6fndBVw=@xftp2.simplex.im;\
xftp://PYa32DdYNFWi0uZZOprWQoQpIk5qyjRJ3EF7bVpbsn8=@xftp3.simplex.im;\
xftp://k_GgQl40UZVV0Y4BX9ZTyMVqX5ZewcLW0waQIl7AYDE=@xftp4.simplex.im;\
xftp://-bIo6o8wuVc4wpZkZD3tH-rCeYaeER_0lz1ffQcSJDs=@xftp5.simplex.im;\
xftp://6nSvtY9pJn6PXWTAIMNl95E1Kk1vD7FM2TeOA64CFLg=@xftp6.simplex.im";

#[derive(Parser)]
#[command(name = "xftp", version, about = "SimpleX XFTP client")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send file
    Send {
        /// File to send
        file: PathBuf,
        /// Directory to save file descriptions (default: current directory)
        dir: Option<PathBuf>,
        /// Number of recipients
        #[arg(short = 'n', long = "num-recipients", default_value_t = 1)]
        n: usize,
        /// Semicolon-separated list of XFTP server(s) to use
        #[arg(short = 's', long = "servers")]
        servers: Option<String>,
        /// Number of servers to store each chunk on
        #[arg(long, default_value_t = 1)]
        redundancy: usize,
        #[command(flatten)]
        common: Common,
    },
    /// Receive file
    Recv {
        /// File description file (or a web link)
        desc: String,
        /// Directory to save file (default: ~/Downloads)
        dir: Option<PathBuf>,
        /// Yes to questions
        #[arg(short = 'y', long)]
        yes: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Delete file from server(s)
    Del {
        /// Sender file description file
        desc: PathBuf,
        /// Yes to questions
        #[arg(short = 'y', long)]
        yes: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Show file description
    Info {
        /// File description file
        desc: PathBuf,
    },
}

#[derive(clap::Args)]
struct Common {
    /// Number of network retries
    #[arg(short = 'r', long = "retry", default_value_t = 3)]
    retry: u32,
    /// Directory for temporary encrypted file (default: system temp directory)
    #[arg(long = "tmp")]
    tmp: Option<PathBuf>,
    /// Verbose output
    #[arg(short = 'v', long)]
    verbose: bool,
}

impl Common {
    fn pool(&self) -> Arc<XftpPool> {
        Arc::new(XftpPool::new(ClientConfig {
            retries: self.retry.max(1),
            ..ClientConfig::default()
        }))
    }
}

fn main() {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(cli)) {
        println!("{e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Send {
            file,
            dir,
            n,
            servers,
            redundancy,
            common,
        } => {
            let servers = servers.as_deref().unwrap_or(DEFAULT_SERVERS);
            send(&file, dir, n, servers, redundancy, &common).await
        }
        Command::Recv {
            desc,
            dir,
            yes,
            common,
        } => recv(&desc, dir, yes, &common).await,
        Command::Del { desc, yes, common } => del(&desc, yes, &common).await,
        Command::Info { desc } => info(&desc),
    }
}

fn progress_bar(verb: &'static str) -> (ProgressBar, Progress) {
    let pb = ProgressBar::new(0);
    let style =
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(verb);
    let p = pb.clone();
    let cb: Progress = Arc::new(move |done, total| {
        p.set_length(total);
        p.set_position(done);
    });
    (pb, cb)
}

async fn send(
    file: &Path,
    dir: Option<PathBuf>,
    n: usize,
    servers: &str,
    redundancy: usize,
    c: &Common,
) -> Result<()> {
    let relays = Relay::parse_list(servers).context("invalid -s servers")?;
    if n == 0 {
        bail!("number of recipients must be at least 1");
    }
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .context("file name is not UTF-8")?
        .to_owned();
    println!("Encrypting and uploading file...");
    let (pb, cb) = progress_bar("Uploading");
    let opts = SendOptions {
        n_recipients: n,
        redundancy,
        tmp_dir: c.tmp.clone(),
        progress: Some(cb),
    };
    let sent = send_file(&c.pool(), file, &relays, &opts).await;
    pb.finish_and_clear();
    let sent = sent?;
    let out_dir = unique_path(
        &dir.unwrap_or_else(|| PathBuf::from(".")),
        &format!("{name}.xftp"),
    );
    std::fs::create_dir_all(&out_dir)?;
    let mut rcv_paths = Vec::new();
    for (i, d) in sent.recipients.iter().enumerate() {
        let p = out_dir.join(format!("rcv{}.xftp", i + 1));
        std::fs::write(&p, d.to_yaml())?;
        rcv_paths.push(p);
    }
    let snd_path = out_dir.join("snd.xftp.private");
    std::fs::write(&snd_path, sent.sender.to_yaml())?;
    println!("File uploaded!");
    println!("Sender file description: {}", snd_path.display());
    println!("Pass file descriptions to the recipient(s):");
    for p in &rcv_paths {
        println!("{}", p.display());
    }
    let link = match sent.recipients.first() {
        Some(first) => xftp_desc::web_link(first)?,
        None => None,
    };
    if let Some(link) = link {
        println!("\nWeb link:\n{link}");
    }
    Ok(())
}

fn read_description(path: &Path) -> Result<ValidFileDescription> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    ValidFileDescription::from_yaml(&text).context("Failed to parse file description")
}

async fn recv(desc: &str, dir: Option<PathBuf>, yes: bool, c: &Common) -> Result<()> {
    let is_link = desc.starts_with("http://") || desc.starts_with("https://");
    let d = if is_link {
        let fragment = desc.split_once('#').map(|(_, f)| f).unwrap_or_default();
        if fragment.is_empty() {
            bail!("Invalid URL: no fragment");
        }
        xftp_desc::decode_web_fragment(fragment).context("Invalid web link")?
    } else {
        read_description(Path::new(desc))?.expect_party(FileParty::Recipient)?
    };
    let dir = match dir {
        Some(d) => d,
        None => home_downloads()?,
    };
    std::fs::create_dir_all(&dir)?;
    let (pb, cb) = progress_bar("Downloading");
    let got = receive_file(&c.pool(), &d, &dir, &ReceiveOptions { progress: Some(cb) }).await;
    pb.finish_and_clear();
    let got = got?;
    if got.chunks_resumed > 0 && c.verbose {
        println!(
            "Resumed: {} chunk(s) were already downloaded",
            got.chunks_resumed
        );
    }
    for e in &got.ack_errors {
        eprintln!("warning: acknowledgement failed: {e}");
    }
    println!("File downloaded: {}", got.path.display());
    if !is_link {
        remove_description(Path::new(desc), yes)?;
    }
    Ok(())
}

fn home_downloads() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set; give a directory")?;
    Ok(PathBuf::from(home).join("Downloads"))
}

async fn del(desc: &Path, yes: bool, c: &Common) -> Result<()> {
    let d = read_description(desc)?.expect_party(FileParty::Sender)?;
    delete_file(&c.pool(), &d).await?;
    println!("File deleted!");
    remove_description(desc, yes)
}

/// As the reference: a used description is deleted, after asking unless `-y`.
fn remove_description(path: &Path, yes: bool) -> Result<()> {
    let delete = yes
        || confirm(&format!(
            "File description {} can't be used again. Delete it",
            path.display()
        ))?;
    if delete {
        std::fs::remove_file(path)?;
        println!("File description {} is deleted.", path.display());
    }
    Ok(())
}

fn confirm(prompt: &str) -> Result<bool> {
    let stdin = std::io::stdin();
    loop {
        print!("{prompt} (Y/n): ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Ok(false);
        }
        match line.trim().to_lowercase().as_str() {
            "" | "y" => return Ok(true),
            "n" => return Ok(false),
            _ => {}
        }
    }
}

fn info(desc: &Path) -> Result<()> {
    let d = read_description(desc)?;
    println!(
        "{}",
        match d.party {
            FileParty::Recipient => "Recipient file description",
            FileParty::Sender => "Sender file description",
        }
    );
    println!("File download size: {}", size_to_string(d.size));
    println!("File server(s):");
    for group in group_replicas_by_server(d.chunk_size, &d.chunks) {
        let Some(first) = group.first() else { continue };
        let total: u64 = group
            .iter()
            .map(|r| u64::from(r.chunk_size.unwrap_or(d.chunk_size)))
            .sum();
        println!("{}: {}", first.server, size_to_string(total));
    }
    Ok(())
}
