//! Reading and writing credentials as PEM files in a directory, with the reference's file
//! names (`ca.crt`, `ca.key`, `server.crt`, `server.key`). Keys are PKCS#8 PEM (as written by
//! `openssl genpkey`) and are created with mode 0600.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use crate::credentials::{Credentials, ServerCredentials};
use crate::error::{Error, Result};

/// File name of the CA certificate.
pub const CA_CERT_FILE: &str = "ca.crt";
/// File name of the CA private key.
pub const CA_KEY_FILE: &str = "ca.key";
/// File name of the online certificate.
pub const SERVER_CERT_FILE: &str = "server.crt";
/// File name of the online private key.
pub const SERVER_KEY_FILE: &str = "server.key";

impl Credentials {
    /// Writes the four PEM files into `dir` (which must exist). Fails without overwriting if
    /// any of them already exists; key files get mode 0600.
    pub fn write_to_dir(&self, dir: &Path) -> Result<()> {
        let files = [
            (CA_CERT_FILE, self.ca_cert.to_pem()?, false),
            (CA_KEY_FILE, self.ca_key.private_key_to_pem_pkcs8()?, true),
            (SERVER_CERT_FILE, self.server_cert.to_pem()?, false),
            (
                SERVER_KEY_FILE,
                self.server_key.private_key_to_pem_pkcs8()?,
                true,
            ),
        ];
        for (name, _, _) in &files {
            let path = dir.join(name);
            if path.exists() {
                return Err(Error::File {
                    path,
                    source: std::io::ErrorKind::AlreadyExists.into(),
                });
            }
        }
        for (name, pem, secret) in &files {
            write_new(&dir.join(name), pem, *secret)?;
        }
        Ok(())
    }

    /// Loads the four PEM files from `dir`.
    pub fn load_from_dir(dir: &Path) -> Result<Self> {
        Ok(Credentials {
            ca_cert: read_cert(&dir.join(CA_CERT_FILE))?,
            ca_key: read_key(&dir.join(CA_KEY_FILE))?,
            server_cert: read_cert(&dir.join(SERVER_CERT_FILE))?,
            server_key: read_key(&dir.join(SERVER_KEY_FILE))?,
        })
    }
}

impl ServerCredentials {
    /// Loads `ca.crt`, `server.crt` and `server.key` from `dir` (the CA key is not needed).
    pub fn load_from_dir(dir: &Path) -> Result<Self> {
        Ok(ServerCredentials {
            ca_cert: read_cert(&dir.join(CA_CERT_FILE))?,
            server_cert: read_cert(&dir.join(SERVER_CERT_FILE))?,
            server_key: read_key(&dir.join(SERVER_KEY_FILE))?,
        })
    }
}

/// Reads the first certificate of a PEM file.
pub fn read_cert(path: &Path) -> Result<X509> {
    let pem = read_file(path)?;
    X509::from_pem(&pem).map_err(|e| pem_error(path, e))
}

/// Reads a private key from a PEM file (PKCS#8 or traditional format).
pub fn read_key(path: &Path) -> Result<PKey<Private>> {
    let pem = read_file(path)?;
    PKey::private_key_from_pem(&pem).map_err(|e| pem_error(path, e))
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|source| Error::File {
        path: path.to_path_buf(),
        source,
    })
}

fn pem_error(path: &Path, e: openssl::error::ErrorStack) -> Error {
    Error::Pem {
        path: PathBuf::from(path),
        what: e.to_string(),
    }
}

fn write_new(path: &Path, contents: &[u8], secret: bool) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let file_error = |source| Error::File {
        path: path.to_path_buf(),
        source,
    };
    let mut file = options.open(path).map_err(file_error)?;
    file.write_all(contents).map_err(file_error)?;
    file.sync_all().map_err(file_error)
}
