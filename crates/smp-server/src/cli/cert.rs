//! `smp-server cert`: replaces the online TLS certificate and key, signed by the existing CA
//! (the server identity and so its address stay the same).

use super::args::CertArgs;
use super::console;
use super::init::write_new;
use super::paths::Paths;
use anyhow::{Context, Result, anyhow, bail};
use openssl::nid::Nid;
use openssl::pkey::Id;
use simplex_transport::SignAlgorithm;
use simplex_transport::cred_files::{
    CA_CERT_FILE, CA_KEY_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE, read_cert, read_key,
};
use simplex_transport::credentials::generate_server_cert;
use std::fs;

/// Runs `cert`.
pub fn run(paths: &Paths, args: &CertArgs) -> Result<()> {
    let ini_file = paths.ini_file();
    if !ini_file.exists() {
        bail!(
            "server is not initialized ({} does not exist).\nRun `smp-server init` first.",
            ini_file.display()
        );
    }
    let dir = &paths.cfg_dir;
    let ca_key_path = dir.join(CA_KEY_FILE);
    let ca_cert = read_cert(&dir.join(CA_CERT_FILE)).context("cannot read the CA certificate")?;
    let ca_key = read_key(&ca_key_path)
        .context("cannot read the CA private key (restore it from where you keep it offline)")?;
    let (alg, common_name) = match (args.sign_algorithm, args.common_name.clone()) {
        (Some(a), Some(cn)) => (a, cn),
        (a, cn) => {
            let (old_alg, old_cn) = current_cert(paths)?;
            (a.unwrap_or(old_alg), cn.unwrap_or(old_cn))
        }
    };
    let (cert, key) = generate_server_cert(&ca_cert, &ca_key, alg, &common_name)
        .context("cannot generate the online certificate")?;
    let cert_pem = cert.to_pem().context("cannot encode the certificate")?;
    let key_pem = key
        .private_key_to_pem_pkcs8()
        .context("cannot encode the key")?;
    replace(paths, SERVER_KEY_FILE, &key_pem, true)?;
    replace(paths, SERVER_CERT_FILE, &cert_pem, false)?;
    println!("Generated new server credentials");
    console::warn_ca_private_key(&ca_key_path);
    Ok(())
}

/// Algorithm and common name of the current online certificate.
fn current_cert(paths: &Paths) -> Result<(SignAlgorithm, String)> {
    let path = paths.cfg_dir.join(SERVER_CERT_FILE);
    let cert = read_cert(&path).context("cannot read the current online certificate")?;
    let key = cert
        .public_key()
        .context("cannot read the certificate's key")?;
    let alg = match key.id() {
        Id::ED25519 => SignAlgorithm::Ed25519,
        Id::ED448 => SignAlgorithm::Ed448,
        _ => bail!(
            "unexpected key type in {}; pass --sign-algorithm",
            path.display()
        ),
    };
    let cn = cert
        .subject_name()
        .entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
        .ok_or_else(|| anyhow!("no common name in {}; pass --cn", path.display()))?;
    Ok((alg, cn))
}

/// Writes `name` through a temporary file and a rename, so a failure leaves the old file.
fn replace(paths: &Paths, name: &str, contents: &[u8], secret: bool) -> Result<()> {
    let path = paths.cfg_dir.join(name);
    let tmp = paths.cfg_dir.join(format!("{name}.new"));
    let _ = fs::remove_file(&tmp);
    write_new(&tmp, contents, secret)?;
    fs::rename(&tmp, &path).with_context(|| format!("cannot replace {}", path.display()))
}
