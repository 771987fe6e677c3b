//! User commands: [`Simulation::submit`] carries out one now and records it
//! in the input log, through one method per [`Command`]. Every method checks
//! everything before it changes anything, so a refused command leaves no
//! trace in the run.

use super::client::Client;
use super::config::{Config, NODE_COUNT_MAX};
use super::events::Event;
use super::input::{Command, CommandError, TimedCommand, CLIENT_ID_MAX, INPUTS_MAX};
use super::network::LinkFaults;
use super::workload::{Workload, WorkloadSpec};
use super::{workload_client, EventKind, Simulation, StepRecord, UI_CLIENT};
use crate::app::{Input, PersistentState};
use crate::kv::{ClientId, Operation};
use crate::raft::{MembershipChange, NodeId};

impl Simulation {
    /// Carries out a user command now and records it in the input log.
    pub fn submit(&mut self, command: Command) -> Result<StepRecord, CommandError> {
        if self.inputs.len() >= INPUTS_MAX {
            return Err(CommandError::TooManyInputs);
        }
        let mut record = self.record(EventKind::Input(command.clone()));
        self.carry_out_command(&command, &mut record)?;
        self.inputs.push(TimedCommand {
            at: self.now,
            after_event: self.events_processed,
            command,
        });
        self.fold_into_trace(&record);
        Ok(record)
    }

    /// Hands `command` to the method that carries it out.
    fn carry_out_command(
        &mut self,
        command: &Command,
        record: &mut StepRecord,
    ) -> Result<(), CommandError> {
        match command {
            Command::Crash { node } => self.crash(*node),
            Command::Restart { node } => self.restart(*node, record),
            Command::Timeout { node } => self.force_timeout(*node, record),
            Command::Pause { node } => self.pause(*node),
            Command::Resume { node } => self.resume(*node),
            Command::TransferLeadership { to } => self.transfer_leadership(*to, record),
            Command::AddServer { node } => {
                let change = MembershipChange::AddServer(*node);
                self.change_membership(change, &[*node], record)
            }
            Command::RemoveServer { node } => {
                self.server_mut(*node)?;
                let change = MembershipChange::RemoveServer(*node);
                self.change_membership(change, &[*node], record)
            }
            Command::ChangeMembership { voters } => {
                let change = MembershipChange::ReplaceVoters(voters.iter().copied().collect());
                self.change_membership(change, voters, record)
            }
            Command::Partition { groups } => self.partition(groups),
            Command::CutLink { from, to } => self.cut_link(*from, *to),
            Command::Heal => {
                self.network.heal();
                Ok(())
            }
            Command::SetNetworkFaults { faults } => self.set_network_faults(*faults),
            Command::SetWorkload { workload } => self.set_workload(*workload),
            Command::SetLinkFaults { from, to, faults } => {
                self.set_link_faults(*from, *to, *faults)
            }
            Command::DropMessage { id } => self.drop_message(*id),
            Command::DuplicateMessage { id } => self.duplicate_message(*id),
            Command::Configure { config } => self.configure(config),
            Command::ClientRequest { client, target, op } => {
                self.client_request(*client, *target, op)
            }
        }
    }

    /// [`Command::Crash`]: everything but the server's disk is lost.
    fn crash(&mut self, id: NodeId) -> Result<(), CommandError> {
        if !self.server_mut(id)?.crash() {
            return Err(CommandError::AlreadyCrashed(id));
        }
        Ok(())
    }

    /// [`Command::Restart`]: a crashed server starts again from its disk.
    fn restart(&mut self, id: NodeId, record: &mut StepRecord) -> Result<(), CommandError> {
        if self.server_mut(id)?.node.is_some() {
            return Err(CommandError::NotCrashed(id));
        }
        let config = self.node_config(id);
        let index = self.index_of(id);
        let ctx = self.context_for_index(index);
        let starts_up = self.servers[index].restart(config, ctx);
        self.remember_transitions(id, &[starts_up], record);
        self.schedule_wake(id);
        Ok(())
    }

    /// The error for a command that needs server `id` up and not paused.
    fn check_running(&mut self, id: NodeId) -> Result<(), CommandError> {
        let server = self.server_mut(id)?;
        if server.node.is_none() {
            return Err(CommandError::Crashed(id));
        }
        if server.paused {
            return Err(CommandError::Paused(id));
        }
        Ok(())
    }

    /// [`Command::Timeout`]: the server's election timer fires now.
    fn force_timeout(&mut self, id: NodeId, record: &mut StepRecord) -> Result<(), CommandError> {
        self.check_running(id)?;
        self.step_node(id, Input::ForceTimeout, record);
        Ok(())
    }

    /// [`Command::Pause`]: the server processes nothing until resumed.
    fn pause(&mut self, id: NodeId) -> Result<(), CommandError> {
        self.check_running(id)?;
        self.server_mut(id)?.paused = true;
        Ok(())
    }

    /// [`Command::Resume`]: a paused server runs again and sees, in the order
    /// it came, everything that waited for it.
    fn resume(&mut self, id: NodeId) -> Result<(), CommandError> {
        let server = self.server_mut(id)?;
        if server.node.is_none() {
            return Err(CommandError::Crashed(id));
        }
        if !server.paused {
            return Err(CommandError::NotPaused(id));
        }
        server.paused = false;
        let held = std::mem::take(&mut server.held);
        for packet in held {
            let packet_id = self.network.requeue(packet, self.now);
            self.queue.push(self.now, Event::Deliver(packet_id));
        }
        self.schedule_wake(id);
        Ok(())
    }

    /// [`Command::TransferLeadership`]: the leader hands over to `to`.
    fn transfer_leadership(
        &mut self,
        to: NodeId,
        record: &mut StepRecord,
    ) -> Result<(), CommandError> {
        self.server_mut(to)?;
        let leader = self.leader().ok_or(CommandError::NoLeader)?;
        if self.servers[self.index_of(leader)].paused {
            return Err(CommandError::Paused(leader));
        }
        self.step_node(leader, Input::TransferLeadership(to), record);
        Ok(())
    }

    /// Carries out a membership change through the leader, starting the
    /// servers it names that do not exist yet.
    fn change_membership(
        &mut self,
        change: MembershipChange,
        named: &[NodeId],
        record: &mut StepRecord,
    ) -> Result<(), CommandError> {
        for &id in named {
            if !(1..=NODE_COUNT_MAX as u32).contains(&id.0) {
                return Err(CommandError::NoSuchNode(id));
            }
        }
        let leader = self.leader().ok_or(CommandError::NoLeader)?;
        let leader_server = &self.servers[self.index_of(leader)];
        if leader_server.paused {
            return Err(CommandError::Paused(leader));
        }
        if let Some(node) = &leader_server.node {
            node.can_change_membership(&change)
                .map_err(CommandError::Membership)?;
        }
        let highest = named.iter().map(|id| id.0).max().unwrap_or(0);
        for number in self.servers.len() as u32 + 1..=highest {
            self.start_server(NodeId(number), PersistentState::default());
        }
        self.step_node(leader, Input::ChangeMembership(change), record);
        Ok(())
    }

    /// [`Command::Partition`]: servers named in one group, and the servers
    /// named in none as one more, are the sides the network splits into.
    fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), CommandError> {
        let unnamed = groups.len();
        let mut side_of: Vec<(NodeId, usize)> = self
            .servers
            .iter()
            .map(|server| (server.id, unnamed))
            .collect();
        for (side, group) in groups.iter().enumerate() {
            for &id in group {
                let (_, slot) = side_of
                    .get_mut(self.index_of(id))
                    .ok_or(CommandError::NoSuchNode(id))?;
                if *slot != unnamed {
                    return Err(CommandError::InTwoGroups(id));
                }
                *slot = side;
            }
        }
        self.network.partition(&side_of);
        Ok(())
    }

    /// The error for a directed link between servers that cannot have one.
    fn check_link(&self, from: NodeId, to: NodeId) -> Result<(), CommandError> {
        for id in [from, to] {
            if self.servers.get(self.index_of(id)).is_none() {
                return Err(CommandError::NoSuchNode(id));
            }
        }
        if from == to {
            return Err(CommandError::SelfLink(from));
        }
        Ok(())
    }

    /// [`Command::CutLink`]: one direction of one link stops carrying anything.
    fn cut_link(&mut self, from: NodeId, to: NodeId) -> Result<(), CommandError> {
        self.check_link(from, to)?;
        self.network.cut(from, to);
        Ok(())
    }

    /// [`Command::SetNetworkFaults`]: faults on every link without its own.
    fn set_network_faults(&mut self, faults: LinkFaults) -> Result<(), CommandError> {
        if !faults.is_valid() {
            return Err(CommandError::InvalidFaults);
        }
        self.network.set_faults(faults);
        Ok(())
    }

    /// [`Command::SetLinkFaults`]: faults on one directed link, or none of its own.
    fn set_link_faults(
        &mut self,
        from: NodeId,
        to: NodeId,
        faults: Option<LinkFaults>,
    ) -> Result<(), CommandError> {
        self.check_link(from, to)?;
        if faults.is_some_and(|faults| !faults.is_valid()) {
            return Err(CommandError::InvalidFaults);
        }
        self.network.set_link_faults(from, to, faults);
        Ok(())
    }

    /// [`Command::DropMessage`]: the one way packets are lost: doomed in
    /// flight, dropped at their delivery instant (see `process`).
    fn drop_message(&mut self, id: u64) -> Result<(), CommandError> {
        match self.network.packet(id) {
            None => Err(CommandError::NotInFlight(id)),
            Some(packet) if packet.doomed => Err(CommandError::AlreadyDropped(id)),
            Some(_) => {
                self.network.doom(id);
                Ok(())
            }
        }
    }

    /// [`Command::DuplicateMessage`]: one more copy of a packet in flight.
    fn duplicate_message(&mut self, id: u64) -> Result<(), CommandError> {
        let (copy, at) = self
            .network
            .duplicate(self.now, id)
            .ok_or(CommandError::NotInFlight(id))?;
        self.queue.push(at, Event::Deliver(copy));
        Ok(())
    }

    /// [`Command::Configure`]: puts `config` in force from now on.
    fn configure(&mut self, config: &Config) -> Result<(), CommandError> {
        if config.node_count != self.current_config.node_count {
            return Err(CommandError::NodeCountFixed {
                current: self.current_config.node_count,
                requested: config.node_count,
            });
        }
        if config.state_machine != self.current_config.state_machine {
            return Err(CommandError::StateMachineFixed);
        }
        if config.initial != self.current_config.initial {
            return Err(CommandError::InitialStateFixed);
        }
        config.validate().map_err(CommandError::InvalidConfig)?;
        self.current_config = config.clone();
        // Packets already in flight keep their delivery instants; the new
        // range applies to the next send on each link.
        self.network
            .set_latency(config.latency_us_min, config.latency_us_max);
        self.reconfigure_running_nodes();
        Ok(())
    }

    /// Hands the configuration in force to every running node. Election
    /// timeouts need nothing here: each server's next draw comes from the new
    /// range (`context_for_index`), its current deadline stays. Crashed
    /// servers pick the new configuration up when they restart (`node_config`).
    fn reconfigure_running_nodes(&mut self) {
        for index in 0..self.servers.len() {
            let id = self.servers[index].id;
            let node_config = self.node_config(id);
            let server = &mut self.servers[index];
            let Some(node) = server.node.as_mut() else {
                continue;
            };
            node.reconfigure(self.now, node_config);
            // CheckQuorum switched on or off moves a leader's next wake-up;
            // a paused server is woken again when it resumes.
            let deadline = node.next_deadline();
            if !server.paused && server.wake_for != Some(deadline) {
                self.schedule_wake(id);
            }
        }
    }

    /// [`Command::SetWorkload`]: starts, changes or (with `None`) stops the
    /// simulated clients.
    fn set_workload(&mut self, spec: Option<WorkloadSpec>) -> Result<(), CommandError> {
        let Some(spec) = spec else {
            self.workload = None;
            return Ok(());
        };
        if !spec.is_valid() {
            return Err(CommandError::InvalidWorkload);
        }
        self.workload_generation += 1;
        let mut workload = Workload::new(
            self.seed,
            spec,
            self.workload_generation,
            self.current_config.state_machine,
        );
        for i in 0..spec.clients {
            let id = workload_client(i);
            if !self.clients.iter().any(|c| c.id == id) {
                self.clients.push(Client::new(id));
            }
        }
        let first = self.now.saturating_add(workload.next_gap());
        self.workload = Some(workload);
        self.queue.push(
            first,
            Event::WorkloadTick {
                generation: self.workload_generation,
            },
        );
        Ok(())
    }

    /// [`Command::ClientRequest`]: a client (created on first use) sends
    /// `op`, or queues it behind its outstanding request.
    fn client_request(
        &mut self,
        client: Option<ClientId>,
        target: Option<NodeId>,
        op: &Operation,
    ) -> Result<(), CommandError> {
        op.check_lengths().map_err(CommandError::OperationTooLong)?;
        if let Some(target) = target {
            self.server_mut(target)?;
        }
        let id = client.unwrap_or(UI_CLIENT);
        if !(1..=CLIENT_ID_MAX).contains(&id.0) {
            return Err(CommandError::NoSuchClient(id));
        }
        let index = match self.clients.iter().position(|c| c.id == id) {
            Some(index) => index,
            None => {
                self.clients.push(Client::new(id));
                self.clients.len() - 1
            }
        };
        let timing = self.client_timing();
        let actions = self.clients[index].submit(self.now, op.clone(), target, timing);
        self.run_client_actions(id, actions);
        Ok(())
    }
}
