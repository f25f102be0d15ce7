//! The JSON of `INFO` (reply to `QUE`), shaped like the reference's `QueueInfo`.

use crate::subs::{Sub, SubKind};
use serde_json::{Map, Value, json};
use simplex_encoding::base64url;
use smp_store::Msg;

fn b64_std(b: &[u8]) -> String {
    base64url::encode(b).replace('-', "+").replace('_', "/")
}

fn iso_time(secs: i64) -> String {
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Builds the `INFO` JSON.
pub fn queue_info(
    secured: bool,
    notifier: bool,
    sub: Option<&Sub>,
    size: usize,
    first: Option<&Msg>,
) -> Vec<u8> {
    let mut o = Map::new();
    o.insert("qiSnd".into(), json!(secured));
    o.insert("qiNtf".into(), json!(notifier));
    if let Some(s) = sub {
        let thread = match s.kind {
            SubKind::Server => "noSub",
            SubKind::Prohibit => "prohibitSub",
        };
        let mut q = Map::new();
        q.insert("qSubThread".into(), json!(thread));
        if let Some(d) = &s.delivered {
            q.insert("qDelivered".into(), json!(b64_std(d)));
        }
        o.insert("qiSub".into(), Value::Object(q));
    }
    o.insert("qiSize".into(), json!(size));
    if let Some(m) = first {
        let kind = if m.is_quota() { "quota" } else { "message" };
        o.insert(
            "qiMsg".into(),
            json!({"msgId": b64_std(m.id()), "msgTs": iso_time(m.ts()), "msgType": kind}),
        );
    }
    Value::Object(o).to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(iso_time(1641032645), "2022-01-01T10:24:05Z");
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn shape() {
        let s = Sub {
            kind: SubKind::Server,
            delivered: None,
        };
        let j = String::from_utf8(queue_info(true, false, Some(&s), 0, None)).unwrap_or_default();
        assert_eq!(
            j,
            r#"{"qiSnd":true,"qiNtf":false,"qiSub":{"qSubThread":"noSub"},"qiSize":0}"#
        );
    }
}
