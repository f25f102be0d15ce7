//! Users (several local profiles, each with its own agent and relays), relays and the
//! database export.

use smp_proto::SmpServer;

use super::{Inner, agent_suffix};
use crate::error::{ChatError, Result};
use crate::output::ChatOutput;
use crate::profiles::valid_display_name;

impl Inner {
    pub(super) async fn create_user(&self, name: &str, full_name: &str) -> Result<Vec<ChatOutput>> {
        if !valid_display_name(name) {
            return Err(ChatError::BadName(name.to_owned()));
        }
        if self.store.users()?.iter().any(|u| u.display_name == name) {
            return Err(ChatError::UserExists(name.to_owned()));
        }
        let user = self
            .store
            .create_user(name, full_name, agent_suffix, self.now())?;
        self.start_agent(&user).await?;
        self.store.set_active_user(user.user_id)?;
        let user = self.active_user()?;
        Ok(vec![ChatOutput::ActiveUser(user)])
    }

    pub(super) fn set_active_user(&self, name: &str) -> Result<Vec<ChatOutput>> {
        let user = self
            .store
            .users()?
            .into_iter()
            .find(|u| u.display_name == name)
            .ok_or_else(|| ChatError::NoUser(name.to_owned()))?;
        self.store.set_active_user(user.user_id)?;
        Ok(vec![ChatOutput::ActiveUser(self.active_user()?)])
    }

    pub(super) async fn servers(&self, list: Option<Vec<String>>) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let agent = self.agent(user.user_id)?;
        if let Some(list) = list {
            let mut relays = Vec::new();
            for s in &list {
                let (server, password) = SmpServer::parse_uri("smp", s)
                    .map_err(|_| ChatError::BadCommand(format!("not a relay address: {s}")))?;
                let mut r = simplex_agent::RelayConfig::new(server);
                r.password = password;
                relays.push(r);
            }
            agent.set_relays(relays).await?;
        }
        let shown = agent
            .relays()
            .iter()
            .map(|r| r.server.to_uri("smp", None))
            .collect();
        Ok(vec![ChatOutput::Servers(shown)])
    }

    /// Stops the agents, exports every database file, and starts the agents again.
    pub(super) async fn export(&self, path: Option<String>) -> Result<Vec<ChatOutput>> {
        let path = match path {
            Some(p) => p,
            None => format!("simplex-chat.{}.zip", self.now()),
        };
        self.store.checkpoint()?;
        self.stop_agents();
        // the agents' tasks are aborted when their handles drop and release the database
        // files soon after; give them a moment before copying
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let prefix = self.config.db_prefix.clone();
        let target = std::path::PathBuf::from(&path);
        let result =
            tokio::task::spawn_blocking(move || crate::archive::export_archive(&prefix, &target))
                .await;
        for u in self.store.users()? {
            self.start_agent(&u).await?;
        }
        result??;
        Ok(vec![ChatOutput::ArchiveExported(path)])
    }
}
