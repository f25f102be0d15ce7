//! The `smp-server` binary on real files in a temporary directory: `init`, `start` (a TLS
//! client connects and gets the server hello; SIGTERM stops it with status 0), `delete`,
//! and the errors an operator meets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::bin::*;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_credentials_fingerprint_and_ini() {
    let d = dirs();
    let out = init(&d, &["--fqdn", "smp.example.com", "--password", "s3cret"]);
    for f in [
        "ca.key",
        "ca.crt",
        "server.key",
        "server.crt",
        "fingerprint",
        "smp-server.ini",
    ] {
        assert!(d.cfg.join(f).is_file(), "{f} missing");
    }
    assert!(d.log.is_dir());
    #[cfg(unix)]
    for f in ["ca.key", "server.key", "smp-server.ini"] {
        assert_eq!(mode(&d.cfg.join(f)), 0o600, "{f}");
    }

    // The fingerprint file is the CA certificate's fingerprint, padded base64url and a
    // newline (Server/CLI.hs `saveFingerprint` writes it with hPutStrLn).
    let ca = simplex_transport::cred_files::read_cert(&d.cfg.join("ca.crt")).unwrap();
    let fp = simplex_transport::fingerprint(&ca).unwrap();
    let fp_text = simplex_transport::fingerprint_text(&fp);
    assert_eq!(
        std::fs::read_to_string(d.cfg.join("fingerprint")).unwrap(),
        format!("{fp_text}\n")
    );
    assert_eq!(line_value(&out, "Fingerprint:"), fp_text);
    assert_eq!(
        line_value(&out, "Server address:"),
        format!("smp://{fp_text}:s3cret@smp.example.com")
    );

    // The online certificate carries the FQDN and is signed by the CA.
    let leaf = simplex_transport::cred_files::read_cert(&d.cfg.join("server.crt")).unwrap();
    let cn = leaf
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .next()
        .unwrap();
    assert_eq!(cn.data().as_slice(), b"smp.example.com");
    assert!(leaf.verify(&ca.public_key().unwrap()).unwrap());

    let ini = std::fs::read_to_string(d.cfg.join("smp-server.ini")).unwrap();
    assert!(ini.contains("\ncreate_password = s3cret\n"));
    assert!(ini.contains("\nhost = smp.example.com\n"));
    assert!(ini.contains("\nport = 5223\n"));

    // A second init refuses and changes nothing.
    let again = run(&d, &["init", "-y"]);
    assert!(!again.status.success());
    let err = text(&again.stderr);
    assert!(
        err.contains("already initialized") && err.contains("delete"),
        "{err}"
    );
    assert_eq!(
        simplex_transport::fingerprint(
            &simplex_transport::cred_files::read_cert(&d.cfg.join("ca.crt")).unwrap()
        )
        .unwrap(),
        fp
    );
}

#[test]
fn init_defaults_random_password_and_unknown_host() {
    let d = dirs();
    let out = init(&d, &["--sign-algorithm", "ED448"]);
    let address = line_value(&out, "Server address:");
    let fp = line_value(&out, "Fingerprint:");
    // A random password (32 random bytes, base64url) and `<hostnames>` for 127.0.0.1, as the
    // reference prints it (Server/Main.hs `initialize`).
    let rest = address.strip_prefix(&format!("smp://{fp}:")).unwrap();
    let (password, host) = rest.split_once('@').unwrap();
    assert_eq!(password.len(), 44, "{password}");
    assert_eq!(host, "<hostnames>");
    let key = simplex_transport::cred_files::read_key(&d.cfg.join("ca.key")).unwrap();
    assert_eq!(key.id(), openssl::pkey::Id::ED448);

    let d2 = dirs();
    let out = init(&d2, &["--no-password", "--ip", "192.0.2.1"]);
    let fp = line_value(&out, "Fingerprint:");
    assert_eq!(
        line_value(&out, "Server address:"),
        format!("smp://{fp}@192.0.2.1")
    );
}

#[test]
fn start_errors_are_clear() {
    let d = dirs();
    let out = run(&d, &["start"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("smp-server init"),
        "{}",
        text(&out.stderr)
    );

    init(&d, &[]);
    let ini = d.cfg.join("smp-server.ini");
    let good = std::fs::read_to_string(&ini).unwrap();
    std::fs::write(&ini, good.replace("\nttl = 21600\n", "\nttl = six hours\n")).unwrap();
    let out = run(&d, &["start"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("ttl") && err.contains("six hours") && err.contains("INACTIVE_CLIENTS"),
        "{err}"
    );
    std::fs::write(&ini, &good).unwrap();

    std::fs::rename(d.cfg.join("server.key"), d.cfg.join("server.key.bak")).unwrap();
    let out = run(&d, &["start", "--maintenance"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("credentials") && err.contains("server.key"),
        "{err}"
    );
    std::fs::rename(d.cfg.join("server.key.bak"), d.cfg.join("server.key")).unwrap();

    // Maintenance mode opens the store and exits.
    let out = run(&d, &["start", "--maintenance"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(d.log.join("store").is_dir());

    // A damaged store file is named in the error.
    let store_file = std::fs::read_dir(d.log.join("store"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("log-"))
        .expect("a store log file");
    let mut bytes = std::fs::read(&store_file).unwrap();
    bytes.extend_from_slice(&[0xff; 64]);
    std::fs::write(&store_file, bytes).unwrap();
    let out = run(&d, &["start", "--maintenance"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&store_file.display().to_string()), "{err}");
}

#[test]
fn start_refuses_reference_store_files() {
    let d = dirs();
    init(&d, &[]);
    std::fs::write(d.log.join("smp-server-store.log"), b"").unwrap();
    let out = run(&d, &["start", "--maintenance"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("smp-server-store.log"));
    let out = run(&d, &["start", "--maintenance", "--skip-warnings"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn start_serves_tls_and_stops_on_sigterm() {
    let d = dirs();
    init(&d, &["--no-password"]);
    let port = free_port();
    let ini = d.cfg.join("smp-server.ini");
    let text_ini = std::fs::read_to_string(&ini).unwrap();
    std::fs::write(
        &ini,
        text_ini.replace("\nport = 5223\n", &format!("\nport = {port}\n")),
    )
    .unwrap();

    let mut child = command(&d, &["start"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = stdout_lines(&mut child);
    let mut seen = Vec::new();
    let address = wait_for(&rx, "Server address:", &mut seen);
    let fp_text = std::fs::read_to_string(d.cfg.join("fingerprint")).unwrap();
    assert!(
        address.contains(&format!("smp://{}@", fp_text.trim())),
        "{address}"
    );
    assert!(address.ends_with(&format!(":{port}")), "{address}");
    let serving = wait_for(&rx, "Serving SMP protocol on port", &mut seen);
    assert!(serving.contains(&port.to_string()), "{serving}");

    // A TLS client checking the identity fingerprint connects and receives the server hello.
    let fp = simplex_transport::parse_fingerprint(fp_text.trim()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let conn = simplex_transport::client_connect(tcp, fp, simplex_transport::SMP_CLIENT_ALPN)
            .await
            .unwrap();
        let (mut reader, _writer) = conn.into_blocks(simplex_transport::SMP_BLOCK_SIZE).unwrap();
        let hello = tokio::time::timeout(Duration::from_secs(10), reader.read_block())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hello.len(), simplex_transport::SMP_BLOCK_SIZE);
    });

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    wait_for(&rx, "Server stopped.", &mut seen);
    assert!(d.log.join("store").is_dir());
}

#[test]
fn delete_removes_everything() {
    let d = dirs();
    init(&d, &[]);
    let out = run(&d, &["start", "--maintenance"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Without -y it asks, and anything but `Y` keeps the files.
    let out = run(&d, &["delete"]);
    assert!(!out.status.success());
    assert!(d.cfg.join("smp-server.ini").exists());

    let out = run(&d, &["delete", "-y"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!d.cfg.exists() && !d.log.exists());
    assert!(text(&out.stdout).contains("Deleted"));

    // Initializing again works and gives a new identity.
    init(&d, &[]);
}

fn run_with_input(d: &Dirs, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = command(d, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn interactive_init_and_delete() {
    let d = dirs();
    // Enter; store log: default (yes); password: none; FQDN; source code: a bad URI, then a
    // good one.
    let answers = "\n\nn\nsmp.example.net\nftp://x\nhttps://example.net/src\n";
    let out = run_with_input(&d, &["init"], answers);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("Invalid source code"), "{stdout}");
    let fp = line_value(&stdout, "Fingerprint:");
    assert_eq!(
        line_value(&stdout, "Server address:"),
        format!("smp://{fp}@smp.example.net")
    );
    assert_eq!(
        line_value(&stdout, "Server source code:"),
        "https://example.net/src"
    );
    let ini = std::fs::read_to_string(d.cfg.join("smp-server.ini")).unwrap();
    assert!(ini.contains("\nsource_code = https://example.net/src\n"));
    assert!(ini.contains("\nenable = on\n"));

    // `delete` asks; only `Y` confirms.
    let out = run_with_input(&d, &["delete"], "y\n");
    assert!(!out.status.success());
    assert!(d.cfg.exists());
    let out = run_with_input(&d, &["delete"], "Y\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!d.cfg.exists() && !d.log.exists());
}

#[test]
fn cert_replaces_the_online_certificate_only() {
    let d = dirs();
    init(&d, &["--fqdn", "smp.example.org", "-a", "ED448"]);
    let read = |f: &str| std::fs::read(d.cfg.join(f)).unwrap();
    let (ca, old_cert, old_key, fp) = (
        read("ca.crt"),
        read("server.crt"),
        read("server.key"),
        read("fingerprint"),
    );
    let out = run(&d, &["cert"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(read("ca.crt"), ca);
    assert_eq!(read("fingerprint"), fp);
    assert_ne!(read("server.crt"), old_cert);
    assert_ne!(read("server.key"), old_key);
    #[cfg(unix)]
    assert_eq!(mode(&d.cfg.join("server.key")), 0o600);
    let leaf = simplex_transport::cred_files::read_cert(&d.cfg.join("server.crt")).unwrap();
    let cn = leaf
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .next()
        .unwrap();
    assert_eq!(cn.data().as_slice(), b"smp.example.org");
    assert_eq!(leaf.public_key().unwrap().id(), openssl::pkey::Id::ED448);
    let ca = simplex_transport::cred_files::read_cert(&d.cfg.join("ca.crt")).unwrap();
    assert!(leaf.verify(&ca.public_key().unwrap()).unwrap());

    // New algorithm and name on request; the server still starts with the new pair.
    let out = run(&d, &["cert", "-a", "ED25519", "--cn", "relay.example.org"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let leaf = simplex_transport::cred_files::read_cert(&d.cfg.join("server.crt")).unwrap();
    assert_eq!(leaf.public_key().unwrap().id(), openssl::pkey::Id::ED25519);
    let out = run(&d, &["start", "--maintenance"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
