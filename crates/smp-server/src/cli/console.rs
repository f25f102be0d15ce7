//! Terminal interaction: prompts and the lines the reference relay prints (server address,
//! source code warning, CA key warning).

use anyhow::{Context, Result, bail};
use smp_proto::address::BasicAuth;
use std::io::{BufRead, Write};
use std::path::Path;

/// The version line (the reference prints `SMP server v<version>`).
pub fn version_line() -> String {
    format!("SMP server v{}", env!("CARGO_PKG_VERSION"))
}

/// Prints `prompt` and reads one line from standard input (without the line ending).
pub fn prompt(prompt: &str) -> Result<String> {
    print!("{prompt}");
    std::io::stdout()
        .flush()
        .context("cannot write to standard output")?;
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read standard input")?;
    if n == 0 {
        bail!("standard input closed (use -y to run without questions)");
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Asks for confirmation; only `Y` continues (as the reference). Prints `refused` and fails
/// otherwise.
pub fn confirm_or_exit(warning: &str, refused: &str) -> Result<()> {
    let answer = prompt(&format!("{warning}\nContinue (Y/n): "))?;
    if answer != "Y" {
        bail!("{refused}");
    }
    Ok(())
}

/// A yes/no question with a default.
pub fn yes_no(question: &str, default: bool) -> Result<bool> {
    let hint = if default { " (Yn): " } else { " (yN): " };
    loop {
        match prompt(&format!("{question}{hint}"))?.as_str() {
            "" => return Ok(default),
            "y" | "Y" => return Ok(true),
            "n" | "N" => return Ok(false),
            _ => println!("Invalid input, please enter 'y' or 'n'"),
        }
    }
}

/// The server address `smp://<fingerprint>[:<password>]@<host>[:<port>]`.
pub fn server_address(
    fingerprint: &[u8; 32],
    password: Option<&BasicAuth>,
    host: &str,
    port: Option<u16>,
) -> String {
    let mut s = format!("smp://{}", simplex_transport::fingerprint_text(fingerprint));
    if let Some(p) = password {
        s.push(':');
        s.push_str(p.as_str());
    }
    s.push('@');
    s.push_str(host);
    if let Some(port) = port {
        s.push_str(&format!(":{port}"));
    }
    s
}

/// Prints the version, the fingerprint and the server address.
pub fn print_service_info(fingerprint: &[u8; 32], address: &str) {
    println!("{}", version_line());
    println!(
        "Fingerprint: {}",
        simplex_transport::fingerprint_text(fingerprint)
    );
    println!("Server address: {address}");
}

/// Prints the source code URI, or a warning that it is missing.
pub fn print_source_code(source_code: Option<&str>) {
    match source_code {
        Some(s) => println!("Server source code: {s}"),
        None => {
            println!("Warning: server source code is not specified.");
            println!("Add 'source_code' property to [INFORMATION] section of INI file.");
        }
    }
}

/// Advises moving the CA key offline.
pub fn warn_ca_private_key(ca_key: &Path) {
    println!("----------");
    println!("Keep the CA private key in a safe place and remove it from this server.");
    println!(
        "If the online TLS key is ever compromised, the CA key can sign a new one that keeps \
         the same server identity, so existing connections keep working."
    );
    println!("CA private key location:");
    println!("{}", ca_key.display());
    println!("----------");
}
