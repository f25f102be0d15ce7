//! Helpers shared by the integration tests: loopback TCP pairs and the reference fixtures.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use openssl::pkey::PKey;
use openssl::x509::X509;
use simplex_transport::{ClientTls, Result, ServerCredentials, ServerTls, TlsConn};
use tokio::net::{TcpListener, TcpStream};

/// Reference fixture `tests/fixtures/ca.crt` (simplexmq 92598c2): the Ed448 CA whose
/// fingerprint is `LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=` (`tests/SMPClient.hs` testKeyHash).
pub const FIXTURE_CA_CRT: &str = "-----BEGIN CERTIFICATE-----
MIIBtjCCATagAwIBAgIUe2PryrWo0xXX9vcA3WfbCzcdmgAwBQYDK2VxMCoxFjAU
BgNVBAMMDVNNUCBzZXJ2ZXIgQ0ExEDAOBgNVBAoMB1NpbXBsZVgwIBcNMjIwMTEx
MTExNjM5WhgPNDc1OTEyMDgxMTE2MzlaMCoxFjAUBgNVBAMMDVNNUCBzZXJ2ZXIg
Q0ExEDAOBgNVBAoMB1NpbXBsZVgwQzAFBgMrZXEDOgCAcvFwVicR+RLZpiEWPFNR
XYTbf+mFcX1NHIyPQDugFwOCgqJAW1fsjYgFhtQJSMH/lc1N7clfm4CjUzBRMB0G
A1UdDgQWBBQcUJvR7mm26yxMQfCsWgbnwMmJVDAfBgNVHSMEGDAWgBQcUJvR7mm2
6yxMQfCsWgbnwMmJVDAPBgNVHRMBAf8EBTADAQH/MAUGAytlcQNzAAAP/hMPNxyW
fyJi+iJViodU+C/aklnvHtjh5P3AbiVCSUfY6+PEdvkC8Ov0pBAYpYi5ukSNNVXl
ABVRlipB+vOcLQStNyaZ7kXzQ2IO/0btmIidh+G6SP8I4aytYIYYcV5pEUZpG1L1
57g8P29SDv81AA==
-----END CERTIFICATE-----
";

/// Reference fixture `tests/fixtures/server.crt` (simplexmq 92598c2): Ed448 online
/// certificate `CN=localhost` signed by [`FIXTURE_CA_CRT`].
pub const FIXTURE_SERVER_CRT: &str = "-----BEGIN CERTIFICATE-----
MIIBvDCCATygAwIBAgIUUgqht3ibEJ9jp5JuroML5Baxa/IwBQYDK2VxMCoxFjAU
BgNVBAMMDVNNUCBzZXJ2ZXIgQ0ExEDAOBgNVBAoMB1NpbXBsZVgwIBcNMjIwMTEx
MTYzOTQ2WhgPNDc1OTEyMDgxNjM5NDZaMBQxEjAQBgNVBAMMCWxvY2FsaG9zdDBD
MAUGAytlcQM6AFj+fmjmgOMBFgQ7lXfICSlSaB5sYp1wzhM2IaqgmVhWbDs3Tw7W
oUXFJsWpKku1kFjLH2yhqIInAKNvMG0wCQYDVR0TBAIwADALBgNVHQ8EBAMCA8gw
EwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFMjbHbxESDI8YDPjJ8kXWjkg
jHxmMB8GA1UdIwQYMBaAFBxQm9HuabbrLExB8KxaBufAyYlUMAUGAytlcQNzAP98
RpFacmjxsc07GwC07uAxUxNgxX4R2nA+0St866uFbdyxApiyn44giG+m+YXCXLjh
1ffKEhhqAPdlpzByLarx8EWgmOsisBCRWrmraksOV15FKxjPqm7OYKp4f9GvieAQ
o/SKOyZVVdcZX7NcuDUxAA==
-----END CERTIFICATE-----
";

/// Reference fixture `tests/fixtures/server.key` (simplexmq 92598c2): the Ed448 key of
/// [`FIXTURE_SERVER_CRT`] (a public test key, not a secret).
pub const FIXTURE_SERVER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MEcCAQAwBQYDK2VxBDsEOZcXSjKQ3FQ9EBfqHmFIidOu4LecpUgi5NVPMhx7mS2d
QNQ0lFasp+EfvLErbs1Sd9xLVxA1hnZJng==
-----END PRIVATE KEY-----
";

/// The reference fixture credentials.
pub fn fixture_credentials() -> ServerCredentials {
    ServerCredentials {
        ca_cert: X509::from_pem(FIXTURE_CA_CRT.as_bytes()).unwrap(),
        server_cert: X509::from_pem(FIXTURE_SERVER_CRT.as_bytes()).unwrap(),
        server_key: PKey::private_key_from_pem(FIXTURE_SERVER_KEY.as_bytes()).unwrap(),
    }
}

/// A connected loopback TCP pair (client side, server side).
pub async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
    (client.unwrap(), accepted.unwrap().0)
}

/// Runs both handshakes concurrently and returns (client result, server result).
pub async fn handshake(
    server: &ServerTls,
    client: &ClientTls,
    expected: [u8; 32],
) -> (Result<TlsConn>, Result<TlsConn>) {
    let (c, s) = tcp_pair().await;
    let limit = Duration::from_secs(10);
    let (client_res, server_res) = tokio::join!(
        tokio::time::timeout(limit, client.connect(c, &expected)),
        server.accept(s, limit)
    );
    (client_res.expect("client handshake hung"), server_res)
}
