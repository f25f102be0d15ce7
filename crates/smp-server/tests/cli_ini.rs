//! `smp-server.ini`: the file `init` writes reads back into the expected relay settings,
//! values are taken verbatim, and bad values are reported with their key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use smp_proto::address::BasicAuth;
use smp_server::cli::ini::{ConfigError, Settings};
use smp_server::cli::template::IniTemplate;
use smp_store::Durability;
use std::net::SocketAddr;
use std::time::Duration;

fn template() -> IniTemplate {
    IniTemplate::new("/etc/opt/simplex", "/var/opt/simplex", "smp.example.com")
}

#[test]
fn generated_ini_reads_back_as_the_defaults() {
    let mut t = template();
    // Every character that INI readers like to interpret: escapes, quotes, comments.
    let password = BasicAuth::new(r#"p\a"ss#w;rd\n'q'"#).unwrap();
    t.password = Some(password.clone());
    let s = Settings::parse(&t.render()).unwrap();
    assert_eq!(
        s.create_password.as_ref().map(BasicAuth::as_str),
        Some(password.as_str())
    );
    assert!(
        s.ignored.is_empty(),
        "the generated file uses only supported values: {:?}",
        s.ignored
    );
    assert_eq!(s.host.as_deref(), Some("smp.example.com"));
    assert!(s.store_log);
    assert_eq!(s.durability, Durability::Fsync);
    assert_eq!(s.source_code, None);

    let c = s.server_config();
    assert_eq!(
        c.listen,
        vec!["0.0.0.0:5223".parse::<SocketAddr>().unwrap()]
    );
    assert_eq!(c.msg_queue_quota, 128);
    assert_eq!(c.msg_expiry, Some(Duration::from_secs(21 * 86400)));
    assert!(c.expire_on_start);
    assert_eq!(c.ntf_expiry, Duration::from_secs(24 * 3600));
    let inactive = c.inactive_clients.unwrap();
    assert_eq!(inactive.ttl, Duration::from_secs(21600));
    assert_eq!(inactive.check_interval, Duration::from_secs(3600));
    assert!(c.allow_new_queues);
    assert_eq!(
        c.create_password.as_ref().map(BasicAuth::as_str),
        Some(password.as_str())
    );
    assert_eq!(c.proxy_client_concurrency, 32);
    assert_eq!(c.metrics_addr, None);

    let store = s.store_config("/var/opt/simplex/store");
    assert_eq!(store.durability, Durability::Fsync);
    assert_eq!(store.quota, 128);
}

#[test]
fn generated_ini_options() {
    let mut t = template();
    t.store_log = false;
    t.control_port = Some((5224, "admin".into(), "user".into()));
    t.info.source_code = Some("https://example.com/src".into());
    let s = Settings::parse(&t.render()).unwrap();
    assert!(!s.store_log);
    assert_eq!(s.create_password, None);
    assert_eq!(s.source_code.as_deref(), Some("https://example.com/src"));
    let keys: Vec<&str> = s.ignored.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "control_port_admin_password",
            "control_port_user_password",
            "control_port"
        ]
    );
    // Notices name the key but never the (secret) value.
    assert!(s.ignored.iter().all(|k| !k.to_string().contains("admin ")));
}

#[test]
fn our_keys_are_read() {
    let ini = "[STORE_LOG]\ndurability = os\nmsg_queue_quota = 10\nexpire_messages_days = 2\n\
               expire_messages_on_start = off\nexpire_ntfs_hours = 3\n\
               [AUTH]\nnew_queues = off\n\
               [TRANSPORT]\nport = 5223,443\n\
               [INACTIVE_CLIENTS]\ndisconnect = off\nttl = 5\ncheck_interval = 6\n\
               [PROXY]\nclient_concurrency = 4\n\
               [METRICS]\nprometheus_address = 0.0.0.0:9105\n";
    let s = Settings::parse(ini).unwrap();
    assert_eq!(s.durability, Durability::Os);
    assert_eq!(s.ports, vec![5223, 443]);
    let c = s.server_config();
    assert_eq!(c.msg_queue_quota, 10);
    assert_eq!(c.msg_expiry, Some(Duration::from_secs(2 * 86400)));
    assert!(!c.expire_on_start);
    assert_eq!(c.ntf_expiry, Duration::from_secs(3 * 3600));
    assert!(!c.allow_new_queues);
    assert_eq!(
        c.listen,
        vec![
            "0.0.0.0:5223".parse::<SocketAddr>().unwrap(),
            "0.0.0.0:443".parse().unwrap()
        ]
    );
    assert_eq!(c.inactive_clients, None);
    assert_eq!(c.proxy_client_concurrency, 4);
    assert_eq!(c.metrics_addr, Some("0.0.0.0:9105".parse().unwrap()));
}

#[test]
fn reference_style_ini_loads_with_notices() {
    // Keys and values as an INI file of the reference relay may hold them
    // (Server/Main/Init.hs `iniFileContent`, Server/Main.hs `serverConfig`).
    let ini = "[INFORMATION]\nsource_code = https://github.com/simplex-chat/simplexmq\n\n\
               [STORE_LOG]\nenable = on\nstore_queues = memory\nstore_messages = journal\n\
               restore_messages = on\nexpire_messages_days = 21\nexpire_messages_on_start = on\n\
               expire_messages_on_send = on\nlog_stats = on\nprometheus_interval = 60\n\n\
               [AUTH]\nnew_queues = on\ncreate_password = abc\n\
               control_port_admin_password = x\n\n\
               [TRANSPORT]\nhost = smp.example.com\nport = 5223,443\nlog_tls_errors = off\n\
               websockets = off\ncontrol_port = 5224\n\n\
               [PROXY]\nsocks_proxy = localhost:9050\n\n\
               [INACTIVE_CLIENTS]\ndisconnect = on\nttl = 21600\ncheck_interval = 3600\n\n\
               [WEB]\nstatic_path = /var/opt/simplex/www\nhttps = 443\n";
    let s = Settings::parse(ini).unwrap();
    assert_eq!(s.ports, vec![5223, 443]);
    let keys: Vec<&str> = s.ignored.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "expire_messages_on_send",
            "log_stats",
            "prometheus_interval",
            "control_port_admin_password",
            "control_port",
            "socks_proxy",
            "static_path",
            "https"
        ]
    );
}

fn invalid(ini: &str) -> (String, String, String) {
    match Settings::parse(ini) {
        Err(ConfigError::Invalid { key, value, .. }) => {
            let msg = Settings::parse(ini).unwrap_err().to_string();
            (key, value, msg)
        }
        other => panic!("expected an invalid value error, got {other:?}"),
    }
}

#[test]
fn bad_values_name_key_and_value() {
    let cases = [
        (
            "[STORE_LOG]\nexpire_messages_days = 21d\n",
            "expire_messages_days",
            "21d",
        ),
        (
            "[STORE_LOG]\nexpire_messages_days = -1\n",
            "expire_messages_days",
            "-1",
        ),
        ("[STORE_LOG]\nenable = yes\n", "enable", "yes"),
        ("[STORE_LOG]\ndurability = always\n", "durability", "always"),
        ("[TRANSPORT]\nport = 5223;443\n", "port", "5223;443"),
        ("[TRANSPORT]\nport = 99999\n", "port", "99999"),
        ("[INACTIVE_CLIENTS]\ndisconnect = on\nttl = 0\n", "ttl", "0"),
        (
            "[INACTIVE_CLIENTS]\ndisconnect = on\ncheck_interval = x\n",
            "check_interval",
            "x",
        ),
        (
            "[PROXY]\nclient_concurrency = 0\n",
            "client_concurrency",
            "0",
        ),
        (
            "[METRICS]\nprometheus_address = localhost\n",
            "prometheus_address",
            "localhost",
        ),
    ];
    for (ini, key, value) in cases {
        let (k, v, msg) = invalid(ini);
        assert_eq!((k.as_str(), v.as_str()), (key, value), "{ini}");
        assert!(msg.contains(key) && msg.contains(value), "{msg}");
    }
}

#[test]
fn bad_password_is_named_but_not_shown() {
    let (key, value, msg) = invalid("[AUTH]\ncreate_password = se cret@x\n");
    assert_eq!(key, "create_password");
    assert_eq!(value, "<not shown>");
    assert!(!msg.contains("se cret"), "{msg}");
}

#[test]
fn syntax_errors_have_a_line() {
    let e = Settings::parse("[AUTH]\n= value\n").unwrap_err();
    assert!(matches!(e, ConfigError::Syntax { line: 2, .. }), "{e:?}");
}
