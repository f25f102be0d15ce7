//! The user's relay list (table `servers`) and the choice of a relay for a new queue or a
//! proxy (reference `getNextServer`: a random relay, preferring ones not already used).

use std::collections::HashMap;
use std::net::SocketAddr;

use rand::seq::IndexedRandom;
use smp_proto::SmpServer;

use super::Inner;
use crate::config::RelayConfig;
use crate::error::{AgentError, Result};
use crate::pool::server_key;
use crate::store::{Tx, UserId};

/// The stored address of a relay (password included).
fn stored_address(r: &RelayConfig) -> String {
    r.server.to_uri("smp", r.password.as_ref())
}

/// The user's enabled relays as stored, with the address overrides of `overrides` (which
/// are not stored). A user without relays gets `seed` stored first.
pub(super) fn load(
    tx: &Tx<'_>,
    user_id: UserId,
    seed: &[RelayConfig],
    overrides: &HashMap<String, SocketAddr>,
) -> Result<Vec<RelayConfig>> {
    if tx.servers(user_id)?.is_empty() {
        for r in seed {
            tx.add_server(user_id, &stored_address(r), true)?;
        }
    }
    let mut out = Vec::new();
    for s in tx.servers(user_id)?.into_iter().filter(|s| s.enabled) {
        let (server, password) = SmpServer::parse_uri("smp", &s.address)?;
        let connect_addr = overrides.get(&server_key(&server)).copied();
        out.push(RelayConfig {
            server,
            password,
            connect_addr,
        });
    }
    Ok(out)
}

/// Replaces the user's relay list with `relays`.
pub(super) fn store(tx: &Tx<'_>, user_id: UserId, relays: &[RelayConfig]) -> Result<()> {
    for s in tx.servers(user_id)? {
        tx.delete_server(s.server_id)?;
    }
    for r in relays {
        tx.add_server(user_id, &stored_address(r), true)?;
    }
    Ok(())
}

/// A random relay of `relays`, one not in `used` when there is such (relays are compared
/// by their full address, so two relays on one host with different ports or keys differ).
pub(super) fn pick<'a>(relays: &'a [RelayConfig], used: &[&SmpServer]) -> Result<&'a RelayConfig> {
    let used: Vec<String> = used.iter().map(|s| server_key(s)).collect();
    let unused: Vec<&RelayConfig> = relays
        .iter()
        .filter(|r| !used.contains(&server_key(&r.server)))
        .collect();
    let mut rng = rand::rng();
    if unused.is_empty() {
        relays.choose(&mut rng).ok_or(AgentError::NoRelays)
    } else {
        unused.choose(&mut rng).copied().ok_or(AgentError::NoRelays)
    }
}

impl Inner {
    /// The user's current relays.
    pub(super) fn relays(&self) -> Vec<RelayConfig> {
        self.relays
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A relay for a new queue or a proxy, avoiding `used` when possible.
    pub(super) fn pick_relay(&self, used: &[&SmpServer]) -> Result<RelayConfig> {
        let relays = self.relays();
        pick(&relays, used).cloned()
    }

    /// Whether `server` is one of the user's relays (reference `unknownServer`, which
    /// compares hosts only; here the port must match too, so that relays sharing a host
    /// are told apart).
    pub(super) fn is_known_relay(&self, server: &SmpServer) -> bool {
        self.relays().iter().any(|r| {
            r.server.port == server.port && r.server.hosts.iter().any(|h| server.hosts.contains(h))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn relay(port: u16) -> RelayConfig {
        RelayConfig::new(SmpServer {
            hosts: vec!["localhost".into()],
            port: port.to_string(),
            key_hash: [u8::try_from(port % 256).unwrap(); 32],
        })
    }

    #[test]
    fn pick_avoids_used_relays_when_it_can() {
        let relays = vec![relay(1), relay(2), relay(3)];
        for _ in 0..50 {
            let used = [&relays[0].server, &relays[2].server];
            assert_eq!(pick(&relays, &used).unwrap().server, relays[1].server);
        }
        // All used: any of them.
        let all: Vec<&SmpServer> = relays.iter().map(|r| &r.server).collect();
        assert!(pick(&relays, &all).is_ok());
        // Over many picks each relay is chosen.
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.insert(pick(&relays, &[]).unwrap().server.port.clone());
        }
        assert_eq!(seen.len(), 3);
        assert!(matches!(pick(&[], &[]), Err(AgentError::NoRelays)));
    }
}
