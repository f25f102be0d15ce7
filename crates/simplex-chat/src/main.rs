//! `simplex-chat`: the terminal client. Reads commands line by line from stdin and
//! prints what happens, so it works in a terminal and through pipes alike.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use simplex_agent::RelayConfig;
use simplex_chat::botapi::{BotApi, BotServer};
use simplex_chat::output::ChatOutput;
use simplex_chat::{Chat, ChatConfig, archive, view};
use smp_proto::SmpServer;
use tokio::io::{AsyncBufReadExt, BufReader, Lines, Stdin};
use tokio::sync::mpsc::UnboundedReceiver;

/// SimpleX chat terminal client.
#[derive(Parser, Debug)]
#[command(name = "simplex-chat", version, about)]
struct Opts {
    /// Database prefix: files <PREFIX>_chat.db and <PREFIX>_agent*.db
    #[arg(short = 'd', long = "database", default_value_t = default_prefix())]
    database: String,
    /// SMP relays for new users (smp://FINGERPRINT[:PASSWORD]@HOST[:PORT], comma or space separated)
    #[arg(short = 's', long = "server")]
    servers: Vec<String>,
    /// XFTP file relays for users that did not set their own with /xftp (xftp://FINGERPRINT[:PASSWORD]@HOST[:PORT], comma or space separated)
    #[arg(long = "xftp-server")]
    xftp_servers: Vec<String>,
    /// Folder for received files (default: ~/Downloads or the current directory)
    #[arg(long = "files-folder")]
    files_folder: Option<PathBuf>,
    /// Folder for temporary encrypted files (default: the system temp directory)
    #[arg(long = "temp-folder")]
    temp_folder: Option<PathBuf>,
    /// Automatically accept received files up to 1 MB
    #[arg(short = 'a')]
    auto_accept_1mb: bool,
    /// Automatically accept received files up to FILE_SIZE bytes
    #[arg(long = "auto-accept-files", value_name = "FILE_SIZE")]
    auto_accept_files: Option<u64>,
    /// Serve the WebSocket bot API on 127.0.0.1:PORT (the terminal keeps working; with stdin closed it runs headless)
    #[arg(short = 'p', long = "chat-server-port")]
    port: Option<u16>,
    /// Database passphrase (asked on stdin when not given)
    #[arg(long = "key")]
    key: Option<String>,
    /// Execute one command and exit
    #[arg(short = 'e', long = "execute")]
    execute: Option<String>,
    /// Seconds to wait after -e for a sent message to reach the relay
    #[arg(short = 't', long = "time", default_value_t = 3)]
    time: u64,
    /// Display name of the first user when the database is new (else asked)
    #[arg(long = "create-user")]
    create_user: Option<String>,
    /// Import a database archive (made with /db export) into PREFIX before starting
    #[arg(long = "import")]
    import: Option<PathBuf>,
}

fn default_prefix() -> String {
    match std::env::var_os("HOME") {
        Some(h) => format!("{}/.simplex/simplex_v1", PathBuf::from(h).display()),
        None => "simplex_v1".to_owned(),
    }
}

fn parse_relays(list: &[String]) -> anyhow::Result<Vec<RelayConfig>> {
    let mut out = Vec::new();
    for s in list
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.is_empty())
    {
        let (server, password) = SmpServer::parse_uri("smp", s)
            .map_err(|e| anyhow::anyhow!("not a relay address: {s} ({e:?})"))?;
        let mut r = RelayConfig::new(server);
        r.password = password;
        out.push(r);
    }
    Ok(out)
}

fn print_out(out: &ChatOutput, qr: bool) {
    for line in view::render(out, qr) {
        println!("{line}");
    }
}

async fn read_line(lines: &mut Lines<BufReader<Stdin>>, prompt: &str) -> anyhow::Result<String> {
    print!("{prompt}");
    use std::io::Write;
    std::io::stdout().flush()?;
    match lines.next_line().await? {
        Some(l) => Ok(l.trim().to_owned()),
        None => bail!("stdin closed"),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = Opts::parse();
    let prefix = PathBuf::from(&opts.database);
    if let Some(dir) = prefix.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    if let Some(archive_path) = &opts.import {
        let n = archive::import_archive(archive_path, &prefix)?;
        println!(
            "imported {n} database files from {}",
            archive_path.display()
        );
    }
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let key = match &opts.key {
        Some(k) => k.clone(),
        None => read_line(&mut lines, "database passphrase: ").await?,
    };
    let relays = parse_relays(&opts.servers)?;
    let mut config = ChatConfig::new(&prefix, &key, relays);
    config.ws_port = opts.port;
    config.xftp_servers = opts
        .xftp_servers
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    for s in &config.xftp_servers {
        xftp_client::Relay::parse(s)
            .map_err(|e| anyhow::anyhow!("not an XFTP relay address: {s} ({e})"))?;
    }
    config.files_folder = opts.files_folder.clone();
    config.temp_folder = opts.temp_folder.clone();
    config.auto_accept_file_size = match (opts.auto_accept_files, opts.auto_accept_1mb) {
        (Some(n), _) => n,
        (None, true) => 1024 * 1024,
        (None, false) => 0,
    };
    let (chat, mut events) = Chat::open(config)
        .await
        .context("opening the chat database")?;
    if chat.active_user()?.is_none() {
        let name = match &opts.create_user {
            Some(n) => n.clone(),
            None if opts.execute.is_some() => {
                bail!("no user profile yet: start once without -e, or pass --create-user NAME")
            }
            None => {
                println!("No user profile found, it will be created now.");
                println!("Please choose your display name.");
                println!("It will be sent to your contacts when you connect.");
                println!("It is only stored on your device and you can change it later.");
                read_line(&mut lines, "display name: ").await?
            }
        };
        for o in chat.execute(&format!("/create user {name}")).await {
            print_out(&o, false);
            if let ChatOutput::Error(_) = o {
                bail!("could not create the user profile");
            }
        }
    }
    let qr = std::io::stdout().is_terminal();
    match (&opts.execute, opts.port) {
        (Some(cmd), _) => execute_once(&chat, &mut events, cmd, opts.time).await,
        (None, Some(port)) => bot_server(chat, &mut events, &mut lines, port).await,
        (None, None) => interactive(&chat, &mut events, &mut lines, qr).await,
    }
}

/// `-e`: runs one command; waits up to `secs` for a sent message to reach the relay.
async fn execute_once(
    chat: &Chat,
    events: &mut UnboundedReceiver<ChatOutput>,
    cmd: &str,
    secs: u64,
) -> anyhow::Result<()> {
    let outs = chat.execute(cmd).await;
    let mut failed = false;
    let mut waiting = Vec::new();
    for o in &outs {
        print_out(o, false);
        failed |= matches!(o, ChatOutput::Error(_));
        if let ChatOutput::NewItem { item, .. } = o
            && item.sent
        {
            waiting.push(item.item_id);
        }
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !waiting.is_empty() {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(ChatOutput::ItemStatus { item, .. })) => {
                waiting.retain(|id| *id != item.item_id)
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

/// `-p PORT`: serves the bot API; terminal commands still work while stdin is open.
async fn bot_server(
    chat: Chat,
    events: &mut UnboundedReceiver<ChatOutput>,
    lines: &mut Lines<BufReader<Stdin>>,
    port: u16,
) -> anyhow::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut server = BotServer::start(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let api = BotApi::new(Arc::new(chat));
    println!("chat server listening on {}", server.local_addr());
    let mut stdin_open = true;
    loop {
        tokio::select! {
            req = server.next_request() => match req {
                Some(req) => req.answer(&api).await,
                None => return Ok(()),
            },
            ev = events.recv() => {
                let Some(o) = ev else { return Ok(()) };
                server.publish(&api, &o);
                print_out(&o, false);
            }
            line = lines.next_line(), if stdin_open => match line? {
                None => stdin_open = false,
                Some(line) if line.trim().is_empty() => {}
                Some(line) => {
                    for o in api.chat().execute(&line).await {
                        if o == ChatOutput::Quit {
                            return Ok(());
                        }
                        print_out(&o, false);
                    }
                }
            },
        }
    }
}

async fn interactive(
    chat: &Chat,
    events: &mut UnboundedReceiver<ChatOutput>,
    lines: &mut Lines<BufReader<Stdin>>,
    qr: bool,
) -> anyhow::Result<()> {
    if let Some(u) = chat.active_user()? {
        println!("SimpleX chat, user {} (/help for commands)", u.display_name);
    }
    loop {
        tokio::select! {
            line = lines.next_line() => {
                let Some(line) = line? else { return Ok(()) };
                if line.trim().is_empty() {
                    continue;
                }
                for o in chat.execute(&line).await {
                    if o == ChatOutput::Quit {
                        return Ok(());
                    }
                    print_out(&o, qr);
                }
            }
            ev = events.recv() => {
                let Some(o) = ev else { return Ok(()) };
                print_out(&o, qr);
            }
        }
    }
}
