//! Relay counters and their Prometheus text exposition.
//!
//! Metric names follow the reference relay's `Prometheus.hs` so that dashboards built
//! for it keep working (the text is written directly, which keeps names exact).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// A monotonically increasing counter.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `n`.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// The current value.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down.
#[derive(Debug, Default)]
pub struct Gauge(AtomicI64);

impl Gauge {
    /// Adds `n` (may be negative).
    pub fn add(&self, n: i64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// The current value.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// All relay counters.
#[derive(Debug, Default)]
pub struct Stats {
    /// Queues created.
    pub queues_created: Counter,
    /// Queues secured (KEY/SKEY/LKEY).
    pub queues_secured: Counter,
    /// Queues deleted.
    pub queues_deleted: Counter,
    /// Successful subscriptions.
    pub subs: Counter,
    /// Repeated subscriptions on the same connection.
    pub subs_duplicate: Counter,
    /// Subscriptions refused after GET.
    pub subs_prohibited: Counter,
    /// Subscriptions taken over by another connection (END sent).
    pub subs_end: Counter,
    /// Messages accepted with OK.
    pub msg_sent: Counter,
    /// SEND refused: queue off.
    pub msg_sent_auth: Counter,
    /// SEND refused: quota.
    pub msg_sent_quota: Counter,
    /// SEND refused: too large.
    pub msg_sent_large: Counter,
    /// SEND refused: blocked.
    pub msg_sent_block: Counter,
    /// Messages acknowledged by recipients.
    pub msg_recv: Counter,
    /// Messages deleted by expiry.
    pub msg_expired: Counter,
    /// Notifications created.
    pub ntf_created: Counter,
    /// Notifications delivered to notifier subscribers.
    pub ntf_delivered: Counter,
    /// Proxy sessions requested (PRXY).
    pub proxy_sessions: Counter,
    /// Proxy sessions that failed.
    pub proxy_session_errors: Counter,
    /// Commands forwarded through this relay as a proxy (PFWD).
    pub proxy_forwarded: Counter,
    /// Commands received from proxies (RFWD).
    pub relay_forwarded: Counter,
    /// Accepted TCP connections.
    pub sockets_accepted: Counter,
    /// Closed connections.
    pub sockets_closed: Counter,
    /// Connected clients after a completed handshake.
    pub clients: Gauge,
}

impl Stats {
    /// Renders the Prometheus text format; `queues` and `messages` come from the store.
    pub fn prometheus(&self, queues: usize, messages: usize) -> String {
        let mut s = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, lines: &[(&str, String)]| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, v) in lines {
                let _ = writeln!(s, "{name}{labels} {v}");
            }
            s.push('\n');
        };
        let c = |x: &Counter| x.get().to_string();
        metric(
            "simplex_smp_queues_created",
            "counter",
            "Created queues",
            &[("", c(&self.queues_created))],
        );
        metric(
            "simplex_smp_queues_secured",
            "counter",
            "Secured queues",
            &[("", c(&self.queues_secured))],
        );
        metric(
            "simplex_smp_queues_deleted",
            "counter",
            "Deleted queues",
            &[("{type=\"all\"}", c(&self.queues_deleted))],
        );
        metric(
            "simplex_smp_queues_total1",
            "gauge",
            "Total number of stored queues (first type of count).",
            &[("", queues.to_string())],
        );
        metric(
            "simplex_smp_subscribtion_successes",
            "counter",
            "Successful subscriptions.",
            &[("", c(&self.subs))],
        );
        metric(
            "simplex_smp_subscribtion_end",
            "counter",
            "Ended subscriptions.",
            &[("", c(&self.subs_end))],
        );
        metric(
            "simplex_smp_subscribtion_errors",
            "counter",
            "Subscription errors.",
            &[
                ("{type=\"duplicate\"}", c(&self.subs_duplicate)),
                ("{type=\"prohibited\"}", c(&self.subs_prohibited)),
            ],
        );
        metric(
            "simplex_smp_messages_sent",
            "counter",
            "Sent messages.",
            &[("", c(&self.msg_sent))],
        );
        metric(
            "simplex_smp_messages_sent_errors",
            "counter",
            "Total number of messages errors by type.",
            &[
                ("{type=\"auth\"}", c(&self.msg_sent_auth)),
                ("{type=\"quota\"}", c(&self.msg_sent_quota)),
                ("{type=\"large\"}", c(&self.msg_sent_large)),
                ("{type=\"block\"}", c(&self.msg_sent_block)),
            ],
        );
        metric(
            "simplex_smp_messages_received",
            "counter",
            "Received messages.",
            &[("", c(&self.msg_recv))],
        );
        metric(
            "simplex_smp_messages_expired",
            "counter",
            "Expired messages.",
            &[("", c(&self.msg_expired))],
        );
        metric(
            "simplex_smp_messages_total",
            "gauge",
            "Total number of messages stored.",
            &[("", messages.to_string())],
        );
        metric(
            "simplex_smp_messages_notify_sent",
            "counter",
            "Sent messages with notification flag.",
            &[("", c(&self.ntf_created))],
        );
        metric(
            "simplex_smp_relay_sessions_requests",
            "counter",
            "Session requests through proxy.",
            &[("", c(&self.proxy_sessions))],
        );
        metric(
            "simplex_smp_relay_sessions_errors",
            "counter",
            "Session errors through proxy.",
            &[("", c(&self.proxy_session_errors))],
        );
        metric(
            "simplex_smp_relay_messages_requests",
            "counter",
            "Message requests sent through proxy.",
            &[("", c(&self.proxy_forwarded))],
        );
        metric(
            "simplex_smp_relay_messages_received",
            "counter",
            "Messages received from proxies.",
            &[("", c(&self.relay_forwarded))],
        );
        metric(
            "simplex_smp_sockets_accepted",
            "counter",
            "Accepted sockets",
            &[("", c(&self.sockets_accepted))],
        );
        metric(
            "simplex_smp_sockets_closed",
            "counter",
            "Closed sockets",
            &[("", c(&self.sockets_closed))],
        );
        metric(
            "simplex_smp_clients_total",
            "gauge",
            "Clients",
            &[("", self.clients.get().to_string())],
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_keeps_reference_names() {
        let st = Stats::default();
        st.msg_sent.add(3);
        st.clients.add(2);
        let text = st.prometheus(7, 1);
        assert!(
            text.contains(
                "# TYPE simplex_smp_messages_sent counter\nsimplex_smp_messages_sent 3\n"
            )
        );
        assert!(text.contains("simplex_smp_queues_total1 7\n"));
        assert!(text.contains("simplex_smp_clients_total 2\n"));
        assert!(!text.contains("_total_total"));
    }
}
